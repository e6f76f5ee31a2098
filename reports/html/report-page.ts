/// <reference lib="dom" />
// report.html: the weekly report in one self-contained page (no network; script and style inline).
// The week's report.json is embedded as <script type="application/json"> blocks (see pageData: the
// summary, the findings table by column, the evidence) and rendered in the browser: the answer, open
// findings by severity and area, the trend, the HIPAA matrix, and a findings table that filters, searches and sorts, with each finding's evidence and remediation on demand.
// The audit-period bundle carries the same page over its own report.json: per-control pass share,
// time to remediate by severity, findings open at the end of the period and those remediated in it.

import type { BlobStore } from '../../core/store/blob.js';
import type { BundleWriter } from '../bundle.js';
import { encodeFindingsTable, periodRows, weeklyRow, type TableRow } from './findings-table.js';
import { pageHead } from './page-head.js';

export const REPORT_PAGE_NAME = 'report.html';

/** Rows drawn at once; the count says how many match. */
const PAGE_ROWS = 100;

/**
 * Runs in the page (inlined by its source text): may use only browser globals and its parameter.
 * It renders either a weekly report.json or an audit-period one (kind ward.period-report): the summary
 * differs, the findings table is the same. With 100,000 findings it stays quick because each column's
 * values and the lowercase search text are computed once, each sort order once (a filter walks the
 * chosen order instead of sorting), and only the first rows are drawn.
 */
function wardReportPage(pageRows: number): () => void {
  interface Remediation {
    text: string;
    url?: string;
  }
  /** The findings table by column (reports/html/findings-table.ts FindingsTable). */
  interface Coded {
    values: string[];
    codes: number[];
  }
  /** A text column as templates of the row's resource id, name, account and region (findings-table.ts). */
  interface Templated {
    values: string[];
    codes: number[];
    raw: Record<string, string>;
  }
  interface FindingsTable {
    n: number;
    coded: Record<'status' | 'severity' | 'controlId' | 'provider' | 'account' | 'region' | 'lifecycle', Coded>;
    id: string[];
    resourceId: string[];
    resourceName: Array<string | null>;
    resourceUid: Templated;
    message: Templated;
    remediation: Record<string, Remediation>;
    facts?: Array<Array<[string, string]>>;
  }
  interface WeekReport {
    organization: string;
    period: { week: string; start: string; end: string };
    generatedAt: string;
    summary: { results: Record<string, number>; open: { total: number; bySeverity: Record<string, number>; byArea: Record<string, number> }; changes: { new: number; reopened: number; resolved: number } };
    trend: Array<{ week: string; open: number | null; bySeverity: Record<string, number> }>;
    hipaa: Array<{ safeguard: string; title: string; controls: string[]; pass: number; fail: number; status: string }>;
  }
  interface PeriodReport {
    kind: 'ward.period-report';
    organization: string;
    period: { from: string; to: string; inProgress: boolean };
    generatedAt: string;
    scans: number;
    accountScans: number;
    accounts: number;
    controls: Array<{ controlId: string; title: string; severity: string; hipaa: string[]; accountScans: number; passed: number; failed: number; incomplete: number; share: number | null }>;
    ttr: Array<{ severity: string; remediated: number; meanDays: number | null; p90Days: number | null; openAtEnd: number }>;
    /** The period's findings are in the table; these are their counts. */
    findingCounts: { remediated: number; failingAtEnd: number };
    mutes: Array<{ rule: { controls?: string[]; accounts?: string[]; reason: string; owner: string; expires?: string }; status: string }>;
    daysWithoutScan: string[];
  }
  // The summary's data is small and comes first: it is drawn (and painted) before the browser has even
  // read the findings table, which follows this script in a block of its own (see reportPageHtml).
  const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as (WeekReport | PeriodReport) & { remediations?: Record<string, Remediation> };
  const remediations = data.remediations ?? {};
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
  const severities = ['critical', 'high', 'medium', 'low', 'info'];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  const renderWeek = (report: WeekReport): string => {
    const s = report.summary;
    main.append(
      el('h1', `${report.organization}: HIPAA security posture, ${report.period.week}`),
      el('p', `${plural(s.open.total, 'open finding')}; ${s.changes.new} new, ${s.changes.reopened} reopened, ${s.changes.resolved} resolved this week. Generated ${report.generatedAt}.`, { id: 'answer' }),
    );
    main.append(table('Open findings by severity', ['Severity', 'Open'], severities.map((k) => [k, s.open.bySeverity[k] ?? 0]), 'by-severity'));
    main.append(table('Open findings by area', ['Area', 'Open'], Object.entries(s.open.byArea), 'by-area'));
    main.append(table('Trend (open findings per week)', ['Week', 'Open', ...severities], report.trend.map((w) => [w.week, w.open ?? 'no scan', ...severities.map((k) => w.bySeverity[k] ?? 0)]), 'trend'));
    main.append(table('HIPAA Security Rule matrix', ['Safeguard', 'Title', 'Controls', 'Pass', 'Fail', 'Status'], report.hipaa.map((h) => [h.safeguard, h.title, h.controls.join(', '), h.pass, h.fail, h.status]), 'hipaa'));
    return 'Findings of the week (choose a column heading to sort; Details shows evidence and remediation)';
  };

  const renderPeriod = (report: PeriodReport): string => {
    const p = report.period;
    main.append(
      el('h1', `${report.organization}: HIPAA audit period ${p.from} to ${p.to}${p.inProgress ? ' (in progress)' : ''}`),
      el('p', `${plural(report.scans, 'scan')} of ${plural(report.accounts, 'account')} (${plural(report.accountScans, 'account scan')}); ${plural(report.findingCounts.remediated, 'finding')} remediated, ${report.findingCounts.failingAtEnd} open at the end of the period. Generated ${report.generatedAt}.`, { id: 'answer' }),
    );
    const days = (n: number | null) => (n === null ? '—' : n.toFixed(1));
    main.append(table('Time to remediate by severity (days)', ['Severity', 'Remediated', 'Mean', '90th percentile', 'Open at end'], report.ttr.map((t) => [t.severity, t.remediated, days(t.meanDays), days(t.p90Days), t.openAtEnd]), 'ttr'));
    main.append(
      table(
        'Share of account scans each control passed',
        ['Control', 'Title', 'Severity', 'HIPAA', 'Account scans', 'Passed', 'Failed', 'Incomplete', 'Pass share'],
        report.controls.map((c) => [c.controlId, c.title, c.severity, c.hipaa.join(', '), c.accountScans, c.passed, c.failed, c.incomplete, c.share === null ? 'never ran' : `${(c.share * 100).toFixed(1)} %`]),
        'pass-share',
      ),
    );
    main.append(el('p', report.daysWithoutScan.length === 0 ? 'Every day of the period had a completed scan.' : `Days without a completed scan (${report.daysWithoutScan.length}): ${report.daysWithoutScan.join(', ')}.`, { id: 'gaps' }));
    main.append(table('Mutes in force during the period', ['Controls', 'Accounts', 'Reason', 'Owner', 'Expires', 'Status'], report.mutes.map((m) => [(m.rule.controls ?? ['all']).join(', '), (m.rule.accounts ?? ['all']).join(', '), m.rule.reason, m.rule.owner, m.rule.expires ?? 'never', m.status]), 'mutes'));
    return 'Findings open at the end of the period and findings remediated in it (choose a column heading to sort; Details shows the dates)';
  };

  const caption = 'kind' in data && data.kind === 'ward.period-report' ? renderPeriod(data) : renderWeek(data as WeekReport);
  const section = el('section', undefined, { 'aria-labelledby': 'findings-title' });
  const count = el('p', 'Loading the findings…', { id: 'count', 'aria-live': 'polite' });
  section.append(el('h2', 'Findings', { id: 'findings-title' }), count);
  main.append(section);
  performance.mark('ward-summary');

  // The findings table: called by the script after the table's block, once the browser has read it.
  return () => {
    const t = JSON.parse(document.getElementById('report-table')?.textContent ?? '{}') as FindingsTable;
    const n = t.n ?? 0;
    const codes = (c: Coded): Int32Array => Int32Array.from(c.codes);
    // Each filter: its label, the values shown in its menu and one value index per finding.
    const lifecycleMenu = t.coded.lifecycle.values.map((v) => (v === '' ? 'none' : v));
    const filterKeys: Array<[string, string, string[], Int32Array]> = [
      ['status', 'Status', t.coded.status.values, codes(t.coded.status)],
      ['severity', 'Severity', t.coded.severity.values, codes(t.coded.severity)],
      ['control', 'Control', t.coded.controlId.values, codes(t.coded.controlId)],
      ['account', 'Account', t.coded.account.values, codes(t.coded.account)],
      ['provider', 'Provider', t.coded.provider.values, codes(t.coded.provider)],
      ['region', 'Region', t.coded.region.values, codes(t.coded.region)],
      ['lifecycle', 'Lifecycle', lifecycleMenu, codes(t.coded.lifecycle)],
    ];
    const form = el('form', undefined, { id: 'filters', role: 'search' });
    form.addEventListener('submit', (e) => e.preventDefault());
    const selects: Array<[HTMLSelectElement, string[], Int32Array]> = [];
    for (const [key, label, values, index] of filterKeys) {
      const id = `filter-${key}`;
      const wrap = el('div', undefined, { class: 'field' });
      const select = el('select', undefined, { id, name: key });
      select.append(el('option', 'All', { value: '' }));
      for (const v of [...new Set(values)].sort()) select.append(el('option', v, { value: v }));
      wrap.append(el('label', label, { for: id }), select);
      form.append(wrap);
      selects.push([select, values, index]);
    }
    const searchWrap = el('div', undefined, { class: 'field' });
    const search = el('input', undefined, { id: 'search', type: 'search', placeholder: 'resource or message' });
    searchWrap.append(el('label', 'Search', { for: 'search' }), search);
    form.append(searchWrap);
    const severityRank: Record<string, string> = { critical: '0', high: '1', medium: '2', low: '3', info: '4' };
    const resource = (i: number) => t.resourceName[i] ?? (t.resourceId[i] as string);
    const codedText = (c: Coded, index: Int32Array) => (i: number) => c.values[index[i] as number] as string;
    // A table column: its heading, each row's text, and its sort key (a coded column sorts its dictionary once).
    const column = (name: string, c: Coded, index: Int32Array, rank?: (v: string) => string) => ({ name, text: codedText(c, index), coded: { values: rank === undefined ? c.values : c.values.map(rank), index } });
    const columns: Array<{ name: string; text: (i: number) => string; coded?: { values: string[]; index: Int32Array } }> = [
      column('Severity', t.coded.severity, filterKeys[1]?.[3] as Int32Array, (v) => severityRank[v] ?? '9'),
      column('Status', t.coded.status, filterKeys[0]?.[3] as Int32Array),
      column('Control', t.coded.controlId, filterKeys[2]?.[3] as Int32Array),
      column('Account', t.coded.account, filterKeys[3]?.[3] as Int32Array),
      column('Region', t.coded.region, filterKeys[5]?.[3] as Int32Array),
      { name: 'Resource', text: resource },
      column('Lifecycle', t.coded.lifecycle, filterKeys[6]?.[3] as Int32Array),
    ];
    // Each column's ascending order, computed the first time that column is sorted (a stable sort). A
    // coded column sorts by the rank of its value in the sorted dictionary: integer comparisons only.
    const orders = new Map<number, Int32Array>();
    const orderOf = (c: number): Int32Array => {
      let order = orders.get(c);
      if (order === undefined) {
        const col = columns[c];
        const indices = Array.from({ length: n }, (_, i) => i);
        if (col?.coded !== undefined) {
          const { values, index } = col.coded;
          const byValue = values.map((_, k) => k).sort((a, b) => ((values[a] as string) < (values[b] as string) ? -1 : (values[a] as string) > (values[b] as string) ? 1 : 0));
          const rank = new Int32Array(values.length);
          byValue.forEach((k, r) => (rank[k] = r));
          indices.sort((a, b) => (rank[index[a] as number] as number) - (rank[index[b] as number] as number) || a - b);
        } else {
          const keys = Array.from({ length: n }, (_, i) => col?.text(i) ?? '');
          indices.sort((a, b) => {
            const x = keys[a] as string;
            const y = keys[b] as string;
            return x < y ? -1 : x > y ? 1 : a - b;
          });
        }
        order = Int32Array.from(indices);
        orders.set(c, order);
      }
      return order;
    };
    let sortBy = 0;
    let ascending = true;
    const grid = el('table', undefined, { id: 'findings' });
    grid.append(el('caption', caption));
    const headRow = el('tr');
    columns.forEach(({ name }, i) => {
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
    // A templated text of row i (findings-table.ts fillTemplate): the markers \u0001 to \u0004 stand for
    // the row's resource id, resource name, account and region.
    const accountOf = codedText(t.coded.account, filterKeys[3]?.[3] as Int32Array);
    const regionOf = codedText(t.coded.region, filterKeys[5]?.[3] as Int32Array);
    const markers = ['\u0001', '\u0002', '\u0003', '\u0004'];
    const fill = (c: Templated, i: number): string => {
      const raw = c.raw[String(i)];
      if (raw !== undefined) return raw;
      const code = c.codes[i] ?? -1;
      if (code < 0) return '';
      let text = c.values[code] as string;
      for (let k = 0; k < 4; k++) {
        const marker = markers[k] as string;
        if (text.includes(marker)) text = text.split(marker).join(k === 0 ? (t.resourceId[i] as string) : k === 1 ? (t.resourceName[i] ?? '') : k === 2 ? accountOf(i) : regionOf(i));
      }
      return text;
    };
    // The lowercase search text, once (a search then only compares strings).
    const searchText = new Array<string>(n);
    for (let i = 0; i < n; i++) searchText[i] = `${t.resourceId[i] ?? ''} ${t.resourceName[i] ?? ''} ${fill(t.resourceUid, i)} ${fill(t.message, i)}`.toLowerCase();
    // Evidence is the bulk of the data: it sits after the table, one JSON line per finding, and is
    // read (the block split once, one line parsed) only when a finding's Details opens.
    let evidenceLines: string[] | undefined;
    const evidenceOf = (i: number): unknown => {
      evidenceLines ??= (document.getElementById('report-evidence')?.textContent ?? '').split('\n');
      const line = evidenceLines[i];
      return line === undefined || line === '' ? null : (JSON.parse(line) as unknown);
    };
    const details = (i: number): HTMLElement => {
      const box = el('div', undefined, { class: 'details' });
      box.append(el('p', fill(t.message, i)));
      const facts = t.facts?.[i];
      if (facts !== undefined) {
        const list = el('dl');
        for (const [term, value] of facts) list.append(el('dt', term), el('dd', value));
        box.append(list);
        return box;
      }
      const remediation = t.remediation[String(i)] ?? remediations[codedText(t.coded.controlId, filterKeys[2]?.[3] as Int32Array)(i)];
      box.append(el('h4', 'Remediation'), el('p', remediation?.text ?? 'none recorded'));
      if (remediation?.url !== undefined) box.append(el('p', remediation.url));
      box.append(el('h4', 'Evidence'), el('pre', JSON.stringify(evidenceOf(i), null, 2)));
      box.append(el('p', `Finding ${t.id[i] ?? ''}`));
      return box;
    };
    // One listener for every Details button: rows come and go with each filter.
    body.addEventListener('click', (event) => {
      const toggle = (event.target as Element | null)?.closest('button[data-row]');
      if (!(toggle instanceof HTMLButtonElement)) return;
      const tr = toggle.closest('tr') as HTMLTableRowElement;
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      if (open) tr.nextElementSibling?.remove();
      else {
        const row = el('tr', undefined, { class: 'detail-row' });
        const td = el('td', undefined, { colspan: String(columns.length + 1) });
        td.append(details(Number(toggle.dataset.row)));
        row.append(td);
        tr.after(row);
      }
    });
    const render = () => {
      // Each chosen filter as the index of its value: a row matches when its indices are the same.
      const wanted: Array<[number, Int32Array]> = [];
      for (const [select, values, index] of selects) {
        if (select.value === '') continue;
        const code = values.indexOf(select.value);
        wanted.push([code, index]);
      }
      const q = search.value.trim().toLowerCase();
      const text = q === '' ? undefined : searchText;
      const order = orderOf(sortBy);
      const shown: number[] = [];
      let matches = 0;
      for (let k = 0; k < n; k++) {
        const i = order[ascending ? k : n - 1 - k] as number;
        let ok = text === undefined || (text[i] as string).includes(q);
        for (let w = 0; ok && w < wanted.length; w++) {
          const [code, index] = wanted[w] as [number, Int32Array];
          ok = index[i] === code;
        }
        if (!ok) continue;
        matches += 1;
        if (shown.length < pageRows) shown.push(i);
      }
      const fragment = document.createDocumentFragment();
      for (const i of shown) {
        const tr = el('tr', undefined, { 'data-id': t.id[i] ?? '' });
        for (const c of columns) tr.append(el('td', c.text(i)));
        const cell = el('td');
        cell.append(el('button', 'Details', { type: 'button', 'aria-expanded': 'false', 'data-row': String(i) }));
        tr.append(cell);
        fragment.append(tr);
      }
      body.replaceChildren(fragment);
      count.textContent = `${matches} of ${n} findings match${matches > shown.length ? `; showing the first ${shown.length}` : ''}.`;
    };
    for (const [select] of selects) select.addEventListener('change', render);
    search.addEventListener('input', render);
    count.before(form);
    section.append(grid);
    render();
    performance.mark('ward-ready');
    document.body.dataset.ready = 'true';
  };
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
#findings { table-layout: fixed; width: 100%; }
#findings td { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; word-break: break-all; background: #f2f2f2; padding: .5rem; }
`;

/** A script element may not contain `</script` (nor `<!--`): every `<` in the JSON becomes \u003c. */
export function embedJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * report.json split for a fast first paint, in three blocks: the summary (everything but the findings,
 * plus each control's remediation once), the findings table by column (findings-table.ts: only what the
 * page shows, a few MB at 100,000 findings), and the evidence, one JSON line per table row, parsed only
 * when that row's Details opens. A period report's findings (open at the end, remediated) become the
 * same table.
 */
export function pageData(reportJson: string): { data: string; table: string; evidence: string } {
  const report = JSON.parse(reportJson) as Record<string, unknown>;
  if (report['kind'] === 'ward.period-report') {
    const { openAtEnd, remediated, ...rest } = report as Parameters<typeof periodRows>[0] & Record<string, unknown>;
    const findingCounts = { remediated: remediated?.length ?? 0, failingAtEnd: (openAtEnd ?? []).filter((o) => o.status === 'FAIL').length };
    return { data: JSON.stringify({ ...rest, findingCounts }), table: JSON.stringify(encodeFindingsTable(periodRows({ ...(openAtEnd === undefined ? {} : { openAtEnd }), ...(remediated === undefined ? {} : { remediated }) }))), evidence: '' };
  }
  const { findings, ...rest } = report;
  const lines: string[] = [];
  const remediations: Record<string, unknown> = {};
  const remediationTexts = new Map<string, string>();
  const rows: TableRow[] = [];
  for (const finding of Array.isArray(findings) ? (findings as unknown[]) : []) {
    if (typeof finding !== 'object' || finding === null) continue;
    const f = finding as Record<string, unknown>;
    const row = weeklyRow(f);
    const remediation = f['remediation'];
    if (typeof remediation === 'object' && remediation !== null) {
      // A control's remediation is stated once; a finding whose text differs keeps its own.
      const text = JSON.stringify(remediation);
      const known = remediationTexts.get(row.controlId);
      if (known === undefined) {
        remediationTexts.set(row.controlId, text);
        remediations[row.controlId] = remediation;
      } else if (known !== text) row.remediation = remediation as TableRow['remediation'];
    }
    lines.push(f['evidence'] === undefined ? '' : JSON.stringify(f['evidence']));
    rows.push(row);
  }
  return { data: JSON.stringify({ ...rest, remediations }), table: JSON.stringify(encodeFindingsTable(rows)), evidence: lines.join('\n') };
}

/**
 * The page: report.json's content (escaped for script elements), split by pageData. The summary's
 * block and the script come first, so the summary is drawn while the browser still reads the table's
 * block; the script after that block builds the table; the evidence block comes last.
 */
export function reportPageHtml(reportJson: string, title: string): string {
  const page = pageData(reportJson);
  return `${pageHead(title, STYLE)}
<body>
<main id="main"></main>
<script type="application/json" id="report-data">${embedJson(page.data)}</script>
<script>
${wardReportPage.toString()}
// var: report-page.test.ts writes a second page into the same document (setContent), which a const would refuse.
var wardFindingsTable = wardReportPage(${PAGE_ROWS});
</script>
<script type="application/json" id="report-table">${embedJson(page.table)}</script>
<script>wardFindingsTable();</script>
<script type="application/json" id="report-evidence">${embedJson(page.evidence)}</script>
</body>
</html>
`;
}

/**
 * Puts report.html into the bundle and beside the report's other files in the store. It embeds the
 * report.json just written (read back from the store), so the two always say the same thing.
 */
async function addPage(bundle: BundleWriter, blobs: BlobStore, jsonKey: string, title: string): Promise<void> {
  const json = await blobs.read(jsonKey);
  if (json === undefined) throw new Error(`${jsonKey} disappeared from the store while the bundle was being made`);
  const page = Buffer.from(reportPageHtml(json, title), 'utf8');
  bundle.addBuffer(REPORT_PAGE_NAME, page);
  await blobs.write(jsonKey.replace(/report\.json$/, REPORT_PAGE_NAME), page);
}

/** The weekly bundle's report.html. */
export function addReportPage(bundle: BundleWriter, blobs: BlobStore, jsonKey: string, week: string, organization: string): Promise<void> {
  return addPage(bundle, blobs, jsonKey, `${organization}: Ward weekly report ${week}`);
}

/** The audit-period bundle's report.html: the same page, given the period's report.json. */
export function addPeriodReportPage(bundle: BundleWriter, blobs: BlobStore, jsonKey: string, period: { from: string; to: string }, organization: string): Promise<void> {
  return addPage(bundle, blobs, jsonKey, `${organization}: Ward audit-period report ${period.from} to ${period.to}`);
}
