// Scenario h: report.html with 100,000 findings in headless Chromium. The findings are the real weekly
// pipeline's (a small sample store through buildWeeklyEvidence), repeated with distinct ids, resources
// and accounts up to the count, so the page gets report.json exactly as a bundle would carry it without
// building a 100,000-finding store first (scenario f does that, for the PDF).
// Measured in the page: first contentful paint and the page's own "ready" mark (everything drawn),
// and each filter from the change/input event to the next frame (handler, style and layout).

import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSampleStore, SAMPLE_MUTES } from '../reports/fixtures.js';
import { reportPageHtml } from '../reports/html/report-page.js';
import { buildWeeklyEvidence } from '../reports/weekly.js';
import { launchChromium } from './chromium.js';

export interface PageBenchResult {
  findings: number;
  pageMb: number;
  /** First contentful paint, from navigation start (s). */
  firstPaintSeconds: number;
  /** The page's `ward-ready` mark: data parsed, summary and first rows drawn (s). */
  readySeconds: number;
  /** Each filter action, ms: the slowest is held to the target. */
  filters: Record<string, number>;
  slowestFilterMs: number;
  /** Sorting by a column not sorted before (computes that column's order once), ms. No target. */
  firstSortMs: number;
  setupSeconds: number;
}

const WEEK = '2026-W47';

interface JsonFinding {
  id: string;
  account: string;
  resource: { id: string; name?: string; uid?: string };
}

/** The sample week's report.json with its findings repeated up to `count`, each copy distinct. */
async function reportJsonWith(count: number, dir: string): Promise<string> {
  const store = await buildSampleStore(dir, { week: WEEK, accounts: 2, resourcesPerControl: 5, weeks: 2 });
  const out = await buildWeeklyEvidence(store, { week: WEEK, organization: 'Benchmark Health', mutes: SAMPLE_MUTES, now: new Date('2026-11-22T22:00:00Z') });
  const report = JSON.parse(readFileSync(join(dir, out.keys.json), 'utf8')) as { findings: JsonFinding[] };
  const base = report.findings;
  if (base.length === 0) throw new Error('the sample week has no findings to repeat');
  const findings: JsonFinding[] = [];
  for (let i = 0; i < count; i++) {
    const copy = Math.floor(i / base.length);
    const f = base[i % base.length] as JsonFinding;
    const suffix = copy === 0 ? '' : `-${copy}`;
    findings.push({
      ...f,
      id: `${f.id}${suffix}`,
      account: copy === 0 ? f.account : String(100000000000 + (copy % 40)),
      resource: { ...f.resource, id: `${f.resource.id}${suffix}`, ...(f.resource.name === undefined ? {} : { name: `${f.resource.name}${suffix}` }) },
    });
  }
  report.findings = findings;
  return JSON.stringify(report, null, 2);
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runReportPageBench(options: { findings: number }): Promise<PageBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ward-page-bench-'));
  const browser = await launchChromium();
  try {
    const t = performance.now();
    const path = join(dir, 'report.html');
    writeFileSync(path, reportPageHtml(await reportJsonWith(options.findings, dir), 'Benchmark Health: Ward weekly report'));
    const setupSeconds = (performance.now() - t) / 1000;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(pathToFileURL(path).href, { timeout: 300_000 });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
    } catch (error) {
      throw new Error(`report.html (${(statSync(path).size / (1024 * 1024)).toFixed(0)} MB, ${options.findings} findings) did not load within 300 s: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    // FCP is recorded once the frame is presented: wait for one.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    const paint = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      ready: performance.getEntriesByName('ward-ready')[0]?.startTime ?? -1,
    }));
    if (paint.fcp < 0 || paint.ready < 0) throw new Error(`the page recorded no ${paint.fcp < 0 ? 'first-contentful-paint' : 'ward-ready mark'}`);
    /** Sets a filter as a user would (change / input event) and times it to the next frame. */
    const act = (selector: string, value: string) =>
      page.evaluate(
        async ([s, v]) => {
          const control = document.querySelector(s as string) as HTMLInputElement | HTMLSelectElement;
          const t0 = performance.now();
          control.value = v as string;
          control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          return performance.now() - t0;
        },
        [selector, value],
      );
    const filters: Record<string, number> = {};
    filters['status=FAIL'] = await act('#filter-status', 'FAIL');
    filters['+severity=high'] = await act('#filter-severity', 'high');
    filters['+account'] = await act('#filter-account', '100000000007');
    filters['clear account'] = await act('#filter-account', '');
    filters['clear severity'] = await act('#filter-severity', '');
    filters['clear status'] = await act('#filter-status', '');
    filters['search "vol"'] = await act('#search', 'vol');
    filters['search cleared'] = await act('#search', '');
    const count = await page.locator('#count').innerText();
    if (!count.startsWith(`${options.findings} of ${options.findings} findings match`)) throw new Error(`after clearing every filter the page says "${count}"`);
    const firstSortMs = await page.evaluate(async () => {
      const button = Array.from(document.querySelectorAll('#findings th button')).find((b) => b.textContent === 'Resource') as HTMLButtonElement;
      const t0 = performance.now();
      button.click();
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - t0;
    });
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    for (const key of Object.keys(filters)) filters[key] = round(filters[key] ?? 0, 1);
    return {
      findings: options.findings,
      pageMb: round(statSync(path).size / (1024 * 1024), 1),
      firstPaintSeconds: round(paint.fcp / 1000),
      readySeconds: round(paint.ready / 1000),
      filters,
      slowestFilterMs: Math.max(...Object.values(filters)),
      firstSortMs: round(firstSortMs, 1),
      setupSeconds: round(setupSeconds, 2),
    };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
