// `ward scan --output junit`: JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters).
// One test suite per control, one test case per control × resource: FAIL is a failure, ERROR an
// error, NOT_ASSESSABLE and MUTED are skipped with the reason, PASS passes.

import type { Finding, ScanDocument } from '../core/model.js';

/** XML 1.0 cannot carry most control characters even escaped; they become U+FFFD. */
export function xmlText(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function where(f: Finding): string {
  return `${f.provider}:${f.account}/${f.region}`;
}

function testCase(f: Finding): string {
  const open = `    <testcase classname="${xmlText(f.controlId)}" name="${xmlText(`${where(f)} ${f.resource.uid}`)}" time="0"`;
  const detail = `${f.message}\nResource: ${f.resource.uid}\nHIPAA: ${f.hipaa.join(', ')}\nRemediation: ${f.remediation.text} ${f.remediation.url}`;
  switch (f.status) {
    case 'PASS':
      return `${open}/>`;
    case 'FAIL':
      return `${open}>\n      <failure message="${xmlText(f.message)}" type="${f.severity}">${xmlText(detail)}</failure>\n    </testcase>`;
    case 'ERROR':
      return `${open}>\n      <error message="${xmlText(f.message)}" type="ERROR">${xmlText(detail)}</error>\n    </testcase>`;
    case 'MUTED':
      return `${open}>\n      <skipped message="${xmlText(`muted until ${f.mute?.expires ?? '?'} by ${f.mute?.owner ?? '?'}: ${f.mute?.reason ?? ''}`)}"/>\n    </testcase>`;
    case 'NOT_ASSESSABLE':
      return `${open}>\n      <skipped message="${xmlText(`not assessable: ${f.message}`)}"/>\n    </testcase>`;
  }
}

export function renderJunit(scan: ScanDocument): string {
  const byControl = new Map<string, Finding[]>();
  for (const f of scan.results) {
    const list = byControl.get(f.controlId) ?? [];
    list.push(f);
    byControl.set(f.controlId, list);
  }
  const tally = (list: readonly Finding[]) => ({
    tests: list.length,
    failures: list.filter((f) => f.status === 'FAIL').length,
    errors: list.filter((f) => f.status === 'ERROR').length,
    skipped: list.filter((f) => f.status === 'MUTED' || f.status === 'NOT_ASSESSABLE').length,
  });
  const attrs = (t: ReturnType<typeof tally>) => `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}"`;
  const suites = [...byControl.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([control, list]) => {
      const cases = list.map(testCase).join('\n');
      return `  <testsuite name="${xmlText(control)}" ${attrs(tally(list))} time="0" timestamp="${scan.finishedAt}">\n${cases}\n  </testsuite>`;
    });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ward scan ${xmlText(scan.scanId)}" ${attrs(tally(scan.results))} time="${((Date.parse(scan.finishedAt) - Date.parse(scan.startedAt)) / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
