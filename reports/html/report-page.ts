/// <reference lib="dom" />
// report.html: the weekly report in one self-contained page (no network; script and style inline).
// The week's report.json is embedded verbatim as <script type="application/json"> and rendered in the
// browser: the answer, open findings by severity and area, the trend, the HIPAA matrix, and a findings
// table that filters, searches and sorts, with each finding's evidence and remediation on demand.

import type { BlobStore } from '../../core/store/blob.js';
import type { BundleWriter } from '../bundle.js';
import { pageHead } from './page-head.js';

export const REPORT_PAGE_NAME = 'report.html';

/** Rows drawn at once; the count says how many match. */
const PAGE_ROWS = 500;

/** Runs in the page (inlined by its source text): may use only browser globals and its parameter. */
function wardReportPage(pageRows: number): void {
  interface Finding {
    id: string;
    controlId: string;
    area: string;
    provider: string;
    account: string;
    region: string;
    status: string;
    severity: string;
    title: string;
    message: string;
    resource: { id: string; name?: string; uid?: string; type?: string };
    remediation?: { text: string; url?: string };
    evidence?: unknown;
    lifecycle?: { state?: string; firstSeen?: string };
  }
  interface Report {
    organization: string;
    period: { week: string; start: string; end: string };
    generatedAt: string;
    summary: { results: Record<string, number>; open: { total: number; bySeverity: Record<string, number>; byArea: Record<string, number> }; changes: { new: number; reopened: number; resolved: number } };
    trend: Array<{ week: string; open: number | null; bySeverity: Record<string, number> }>;
    hipaa: Array<{ safeguard: string; title: string; controls: string[]; pass: number; fail: number; status: string }>;
    findings: Finding[];
  }
  const report = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as Report;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const table = (caption: string, head: string[], rows: Array<Array<string | number>>, id: string) => {
    const t = el('table', undefined, { id });
    t.append(el('caption', caption));
    const tr = el('tr');
    for (const h of head) tr.append(el('th', h, { scope: 'col' }));
    t.append(el('thead'), el('tbody'));
    t.tHead?.append(tr);
    for (const row of rows) {
      const r = el('tr');
      row.forEach((cell, i) => r.append(i === 0 ? el('th', String(cell), { scope: 'row' }) : el('td', String(cell))));
      t.tBodies[0]?.append(r);
    }
    return t;
  };
  const main = document.getElementById('main') as HTMLElement;
  const s = report.summary;
  main.append(
    el('h1', `${report.organization}: HIPAA security posture, ${report.period.week}`),
    el('p', `${s.open.total} open finding${s.open.total === 1 ? '' : 's'}; ${s.changes.new} new, ${s.changes.reopened} reopened, ${s.changes.resolved} resolved this week. Generated ${report.generatedAt}.`, { id: 'answer' }),
  );
  const severities = ['critical', 'high', 'medium', 'low', 'info'];
  main.append(table('Open findings by severity', ['Severity', 'Open'], severities.map((k) => [k, s.open.bySeverity[k] ?? 0]), 'by-severity'));
  main.append(table('Open findings by area', ['Area', 'Open'], Object.entries(s.open.byArea), 'by-area'));
  main.append(table('Trend (open findings per week)', ['Week', 'Open', ...severities], report.trend.map((w) => [w.week, w.open ?? 'no scan', ...severities.map((k) => w.bySeverity[k] ?? 0)]), 'trend'));
  main.append(table('HIPAA Security Rule matrix', ['Safeguard', 'Title', 'Controls', 'Pass', 'Fail', 'Status'], report.hipaa.map((h) => [h.safeguard, h.title, h.controls.join(', '), h.pass, h.fail, h.status]), 'hipaa'));

  // The findings table.
  const findings = report.findings;
  const filterKeys: Array<[string, string, (f: Finding) => string]> = [
    ['status', 'Status', (f) => f.status],
    ['severity', 'Severity', (f) => f.severity],
    ['control', 'Control', (f) => f.controlId],
    ['account', 'Account', (f) => f.account],
    ['provider', 'Provider', (f) => f.provider],
    ['region', 'Region', (f) => f.region],
    ['lifecycle', 'Lifecycle', (f) => f.lifecycle?.state ?? 'none'],
  ];
  const section = el('section', undefined, { 'aria-labelledby': 'findings-title' });
  section.append(el('h2', 'Findings', { id: 'findings-title' }));
  const form = el('form', undefined, { id: 'filters', role: 'search' });
  form.addEventListener('submit', (e) => e.preventDefault());
  const selects = new Map<string, HTMLSelectElement>();
  for (const [key, label, get] of filterKeys) {
    const id = `filter-${key}`;
    const wrap = el('div', undefined, { class: 'field' });
    const select = el('select', undefined, { id, name: key });
    select.append(el('option', 'All', { value: '' }));
    for (const v of [...new Set(findings.map(get))].sort()) select.append(el('option', v, { value: v }));
    wrap.append(el('label', label, { for: id }), select);
    form.append(wrap);
    selects.set(key, select);
  }
  const searchWrap = el('div', undefined, { class: 'field' });
  const search = el('input', undefined, { id: 'search', type: 'search', placeholder: 'resource or message' });
  searchWrap.append(el('label', 'Search', { for: 'search' }), search);
  form.append(searchWrap);
  const count = el('p', '', { id: 'count', 'aria-live': 'polite' });
  const columns: Array<[string, (f: Finding) => string]> = [
    ['Severity', (f) => f.severity],
    ['Status', (f) => f.status],
    ['Control', (f) => f.controlId],
    ['Account', (f) => f.account],
    ['Region', (f) => f.region],
    ['Resource', (f) => f.resource.name ?? f.resource.id],
    ['Lifecycle', (f) => f.lifecycle?.state ?? ''],
  ];
  const severityRank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  let sortBy = 0;
  let ascending = true;
  const grid = el('table', undefined, { id: 'findings' });
  grid.append(el('caption', 'Findings of the week (choose a column heading to sort; Details shows evidence and remediation)'));
  const headRow = el('tr');
  columns.forEach(([name], i) => {
    const th = el('th', undefined, { scope: 'col', 'aria-sort': i === 0 ? 'ascending' : 'none' });
    const button = el('button', name, { type: 'button' });
    button.addEventListener('click', () => {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      headRow.querySelectorAll('th').forEach((h, j) => h.setAttribute('aria-sort', j === i ? (ascending ? 'ascending' : 'descending') : 'none'));
      render();
    });
    th.append(button);
    headRow.append(th);
  });
  headRow.append(el('th', 'Details', { scope: 'col' }));
  grid.append(el('thead'), el('tbody'));
  grid.tHead?.append(headRow);
  const body = grid.tBodies[0] as HTMLTableSectionElement;
  const searchText = findings.map((f) => `${f.resource.id} ${f.resource.name ?? ''} ${f.resource.uid ?? ''} ${f.message}`.toLowerCase());
  const details = (f: Finding): HTMLElement => {
    const box = el('div', undefined, { class: 'details' });
    box.append(el('p', f.message), el('h4', 'Remediation'), el('p', f.remediation?.text ?? 'none recorded'));
    if (f.remediation?.url !== undefined) box.append(el('p', f.remediation.url));
    box.append(el('h4', 'Evidence'), el('pre', JSON.stringify(f.evidence ?? null, null, 2)));
    return box;
  };
  const render = () => {
    const wanted = filterKeys.map(([key, , get]) => [selects.get(key)?.value ?? '', get] as const).filter(([v]) => v !== '');
    const q = search.value.trim().toLowerCase();
    const rows: number[] = [];
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i] as Finding;
      if (wanted.every(([v, get]) => get(f) === v) && (q === '' || (searchText[i] ?? '').includes(q))) rows.push(i);
    }
    const key = columns[sortBy]?.[1] ?? (() => '');
    const rank = (f: Finding) => (sortBy === 0 ? String(severityRank[f.severity] ?? 9) : key(f));
    rows.sort((a, b) => {
      const x = rank(findings[a] as Finding);
      const y = rank(findings[b] as Finding);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    const shown = rows.slice(0, pageRows);
    const fragment = document.createDocumentFragment();
    for (const i of shown) {
      const f = findings[i] as Finding;
      const tr = el('tr', undefined, { 'data-id': f.id });
      for (const [, get] of columns) tr.append(el('td', get(f)));
      const cell = el('td');
      const toggle = el('button', 'Details', { type: 'button', 'aria-expanded': 'false' });
      toggle.addEventListener('click', () => {
        const open = toggle.getAttribute('aria-expanded') === 'true';
        toggle.setAttribute('aria-expanded', String(!open));
        if (open) tr.nextElementSibling?.remove();
        else {
          const row = el('tr', undefined, { class: 'detail-row' });
          const td = el('td', undefined, { colspan: String(columns.length + 1) });
          td.append(details(f));
          row.append(td);
          tr.after(row);
        }
      });
      cell.append(toggle);
      tr.append(cell);
      fragment.append(tr);
    }
    body.replaceChildren(fragment);
    count.textContent = `${rows.length} of ${findings.length} findings match${rows.length > shown.length ? `; showing the first ${shown.length}` : ''}.`;
  };
  for (const select of selects.values()) select.addEventListener('change', render);
  search.addEventListener('input', render);
  section.append(form, count, grid);
  main.append(section);
  render();
  document.body.dataset.ready = 'true';
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; }
body { margin: 1.5rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border: 1px solid #9a9a9a; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; color: #1a1a1a; text-decoration: underline; }
#filters { display: flex; flex-wrap: wrap; gap: .75rem; }
.field label { display: block; font-weight: 600; }
:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
pre { white-space: pre-wrap; word-break: break-all; background: #f2f2f2; padding: .5rem; }
`;

/** A script element may not contain `</script` (nor `<!--`): every `<` in the JSON becomes \u003c. */
export function embedJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The page, with the week's report.json text embedded as it is (escaped for a script element). */
export function reportPageHtml(reportJson: string, title: string): string {
  return `${pageHead(title, STYLE)}
<body>
<main id="main"></main>
<script type="application/json" id="report-data">${embedJson(reportJson)}</script>
<script>
${wardReportPage.toString()}
wardReportPage(${PAGE_ROWS});
</script>
</body>
</html>
`;
}

/**
 * Puts report.html into the bundle and beside the week's other reports in the store. It embeds the
 * report.json just written (read back from the store), so the two always say the same thing.
 */
export async function addReportPage(bundle: BundleWriter, blobs: BlobStore, jsonKey: string, week: string, organization: string): Promise<void> {
  const json = await blobs.read(jsonKey);
  if (json === undefined) throw new Error(`${jsonKey} disappeared from the store while the bundle was being made`);
  const page = Buffer.from(reportPageHtml(json, `${organization}: Ward weekly report ${week}`), 'utf8');
  bundle.addBuffer(REPORT_PAGE_NAME, page);
  await blobs.write(jsonKey.replace(/report\.json$/, REPORT_PAGE_NAME), page);
}
