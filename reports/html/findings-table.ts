// report.html's findings table, encoded by column: what the page shows and filters on, and nothing
// else. At 100,000 findings report.json's findings are ~76 MB of JSON without their evidence (title,
// area, HIPAA references, scope, scan id, mute and remediation repeated on every finding); the page
// needs a few MB of it. Each filter column is a dictionary of its distinct values plus one index per
// finding; the free text (finding id, resource id/name/uid, message) is one array per field. The page
// filters and sorts on the indices and never rebuilds a finding object.

/** The fields of a finding the page shows (in the table, in search, in Details). */
export interface TableRow {
  id: string;
  controlId: string;
  provider: string;
  account: string;
  region: string;
  status: string;
  severity: string;
  /** The lifecycle state; '' when the finding has none. */
  lifecycle: string;
  resourceId: string;
  resourceName: string | null;
  resourceUid: string | null;
  message: string;
  /** A remediation that differs from its control's (the control's is embedded once, beside the table). */
  remediation?: { text: string; url?: string };
  /** Period findings: what the period knows of them (opened, resolved, days). */
  facts?: Array<[string, string]>;
}

/** The columns that are filtered and sorted on: each a dictionary and one index per row. */
export const CODED_COLUMNS = ['status', 'severity', 'controlId', 'provider', 'account', 'region', 'lifecycle'] as const;
export type CodedColumn = (typeof CODED_COLUMNS)[number];

export interface FindingsTable {
  n: number;
  /** Per coded column: its distinct values, and for each row the index of its value. */
  coded: Record<CodedColumn, { values: string[]; codes: number[] }>;
  id: string[];
  resourceId: string[];
  /** null where the resource has no name. */
  resourceName: Array<string | null>;
  /** The uid and the message, as templates (see templated). */
  resourceUid: Templated;
  message: Templated;
  /** Row index → its own remediation, for the few rows whose text differs from their control's. */
  remediation: Record<string, { text: string; url?: string }>;
  /** Period tables only: each row's facts. */
  facts?: Array<Array<[string, string]>>;
}

/**
 * A text column whose values mostly repeat once the row's own resource id, name, account and region
 * are taken out ("trail-3 meets the control." is "\u0001 meets the control."): a dictionary of such
 * templates and one index per row (-1: null). A row whose text does not come back exactly from its
 * template (it holds a marker character itself) is kept whole in raw.
 */
export interface Templated {
  values: string[];
  codes: number[];
  raw: Record<string, string>;
}

/** The template markers, in the order they are taken out: resource id, resource name, account, region. */
const MARKERS = ['\u0001', '\u0002', '\u0003', '\u0004'] as const;
type Fillers = readonly [string, string | null, string, string];
const fillersOf = (row: TableRow): Fillers => [row.resourceId, row.resourceName, row.account, row.region];

/** A template's text for one row (the page has the same function: wardReportPage's fill). */
export function fillTemplate(template: string, fillers: Fillers): string {
  let text = template;
  MARKERS.forEach((marker, k) => {
    if (text.includes(marker)) text = text.split(marker).join(fillers[k] ?? '');
  });
  return text;
}

function templateOf(text: string, fillers: Fillers): string {
  let template = text;
  MARKERS.forEach((marker, k) => {
    const value = fillers[k];
    if (value !== null && value !== undefined && value !== '') template = template.split(value).join(marker);
  });
  return template;
}

/** A growing dictionary: each distinct value's index, in order of first appearance. */
function dictionary(): { values: string[]; codeOf: (value: string) => number } {
  const index = new Map<string, number>();
  const values: string[] = [];
  return {
    values,
    codeOf: (value) => {
      let code = index.get(value);
      if (code === undefined) {
        code = values.length;
        index.set(value, code);
        values.push(value);
      }
      return code;
    },
  };
}

function encodeTemplated(texts: ReadonlyArray<string | null>, rows: readonly TableRow[]): Templated {
  const { values, codeOf } = dictionary();
  const codes = new Array<number>(texts.length);
  const raw: Record<string, string> = {};
  texts.forEach((text, i) => {
    if (text === null) {
      codes[i] = -1;
      return;
    }
    const fillers = fillersOf(rows[i] as TableRow);
    let template = templateOf(text, fillers);
    if (fillTemplate(template, fillers) !== text) {
      raw[String(i)] = text;
      template = '';
    }
    codes[i] = codeOf(template);
  });
  return { values, codes, raw };
}

function decodeTemplated(column: Templated, i: number, fillers: Fillers): string | null {
  const raw = column.raw[String(i)];
  if (raw !== undefined) return raw;
  const code = column.codes[i] as number;
  return code < 0 ? null : fillTemplate(column.values[code] as string, fillers);
}

export function encodeFindingsTable(rows: readonly TableRow[]): FindingsTable {
  const coded = {} as FindingsTable['coded'];
  for (const key of CODED_COLUMNS) {
    const { values, codeOf } = dictionary();
    coded[key] = { values, codes: rows.map((row) => codeOf(row[key])) };
  }
  const remediation: FindingsTable['remediation'] = {};
  rows.forEach((row, i) => {
    if (row.remediation !== undefined) remediation[String(i)] = row.remediation;
  });
  return {
    n: rows.length,
    coded,
    id: rows.map((r) => r.id),
    resourceId: rows.map((r) => r.resourceId),
    resourceName: rows.map((r) => r.resourceName),
    resourceUid: encodeTemplated(rows.map((r) => r.resourceUid), rows),
    message: encodeTemplated(rows.map((r) => r.message), rows),
    remediation,
    ...(rows.some((r) => r.facts !== undefined) ? { facts: rows.map((r) => r.facts ?? []) } : {}),
  };
}

/** The rows back from their columns (the page reads the columns directly; this is for tests). */
export function decodeFindingsTable(table: FindingsTable): TableRow[] {
  const rows: TableRow[] = [];
  for (let i = 0; i < table.n; i++) {
    const value = (key: CodedColumn) => table.coded[key].values[table.coded[key].codes[i] as number] as string;
    const remediation = table.remediation[String(i)];
    const facts = table.facts?.[i];
    const fillers: Fillers = [table.resourceId[i] as string, table.resourceName[i] ?? null, value('account'), value('region')];
    rows.push({
      id: table.id[i] as string,
      controlId: value('controlId'),
      provider: value('provider'),
      account: value('account'),
      region: value('region'),
      status: value('status'),
      severity: value('severity'),
      lifecycle: value('lifecycle'),
      resourceId: table.resourceId[i] as string,
      resourceName: table.resourceName[i] ?? null,
      resourceUid: decodeTemplated(table.resourceUid, i, fillers),
      message: decodeTemplated(table.message, i, fillers) ?? '',
      ...(remediation === undefined ? {} : { remediation }),
      ...(facts === undefined ? {} : { facts }),
    });
  }
  return rows;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A report.json finding (weekly) as the page shows it; its remediation and evidence are handled apart. */
export function weeklyRow(finding: Record<string, unknown>): TableRow {
  const resource = (typeof finding['resource'] === 'object' && finding['resource'] !== null ? finding['resource'] : {}) as Record<string, unknown>;
  const lifecycle = (typeof finding['lifecycle'] === 'object' && finding['lifecycle'] !== null ? finding['lifecycle'] : {}) as Record<string, unknown>;
  const plain = ['id', 'controlId', 'provider', 'account', 'region', 'status', 'severity', 'message'] as const;
  const fields = Object.fromEntries(plain.map((key) => [key, text(finding[key])])) as Pick<TableRow, (typeof plain)[number]>;
  return { ...fields, lifecycle: text(lifecycle['state']), resourceId: text(resource['id']), resourceName: textOrNull(resource['name']), resourceUid: textOrNull(resource['uid']) };
}

interface PeriodFindingJson {
  id: string;
  controlId: string;
  severity: string;
  provider: string;
  account: string;
  region: string;
  resource: string;
  openedAt: string;
}

/** A period report's findings: those open at the end of the period, then those remediated in it. */
export function periodRows(report: { openAtEnd?: Array<PeriodFindingJson & { status: string; ageDays: number }>; remediated?: Array<PeriodFindingJson & { resolvedAt: string; days: number }> }): TableRow[] {
  const base = (f: PeriodFindingJson) => ({ id: f.id, controlId: f.controlId, severity: f.severity, provider: f.provider, account: f.account, region: f.region, resourceId: f.resource, resourceName: null, resourceUid: null });
  return [
    ...(report.openAtEnd ?? []).map((o): TableRow => ({ ...base(o), status: o.status, lifecycle: 'open at end', message: `Open at the end of the period, ${o.ageDays} days since ${o.openedAt}.`, facts: [['Opened', o.openedAt], ['Age at end (days)', String(o.ageDays)]] })),
    ...(report.remediated ?? []).map((r): TableRow => ({ ...base(r), status: 'RESOLVED', lifecycle: 'remediated', message: `Remediated in ${r.days} days.`, facts: [['Opened', r.openedAt], ['Resolved', r.resolvedAt], ['Days to remediate', String(r.days)]] })),
  ];
}
