// report.html in real Chromium: the page shipped in the bundle renders the week (answer, counts, trend,
// HIPAA matrix), and its filters, search, sort and details behave on the week's findings.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/browser.js';
import { readZip } from '../../test/support/zip.js';
import { buildSampleStore, SAMPLE_MUTES } from '../fixtures.js';
import { buildWeeklyEvidence } from '../weekly.js';
import { reportPageHtml } from './report-page.js';

interface JsonFinding {
  status: string;
  severity: string;
  account: string;
  controlId: string;
  resource: { id: string; name?: string };
  remediation?: { text: string };
}

let dir: string;
let browser: Browser;
let page: Page;
let findings: JsonFinding[];
const pageErrors: string[] = [];
const requests: string[] = [];

const rows = () => page.locator('#findings tbody tr:not(.detail-row)');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-report-page-'));
  const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 2, resourcesPerControl: 3, weeks: 2 });
  const out = await buildWeeklyEvidence(store, { week: '2026-W47', organization: 'Acme Health', mutes: SAMPLE_MUTES, now: new Date('2026-11-22T22:00:00Z') });
  const entries = new Map(await readZip(join(dir, out.keys.bundle)));
  const shipped = entries.get('report.html');
  if (shipped === undefined) throw new Error('the bundle has no report.html');
  expect(readFileSync(join(dir, 'reports/2026-W47/report.html')).equals(shipped)).toBe(true);
  findings = (JSON.parse((entries.get('report.json') ?? Buffer.alloc(0)).toString('utf8')) as { findings: JsonFinding[] }).findings;
  const path = join(dir, 'report.html');
  writeFileSync(path, shipped);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('body[data-ready="true"]');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(pageErrors).toEqual([]);
  expect(requests).toEqual([]);
});

describe('report.html', () => {
  it('renders the week: answer, severity and area counts, trend, HIPAA matrix', async () => {
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: false });
    const text = await page.locator('body').innerText();
    expect(text).toContain('Acme Health: HIPAA security posture, 2026-W47');
    expect(text).toMatch(/\d+ open findings?; \d+ new, \d+ reopened, \d+ resolved this week/);
    for (const caption of ['Open findings by severity', 'Open findings by area', 'Trend (open findings per week)', 'HIPAA Security Rule matrix']) expect(text).toContain(caption);
    expect(await page.locator('#hipaa tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#hipaa').innerText()).toContain('164.312');
    expect(await page.locator('#count').innerText()).toBe(`${findings.length} of ${findings.length} findings match.`);
    expect(await rows().count()).toBe(findings.length);
  });

  it('filters narrow the table to the expected rows', async () => {
    await page.selectOption('#filter-status', 'FAIL');
    expect(await rows().count()).toBe(findings.filter((f) => f.status === 'FAIL').length);
    const account = findings.find((f) => f.status === 'FAIL')?.account ?? '';
    await page.selectOption('#filter-severity', 'high');
    await page.selectOption('#filter-account', account);
    const expected = findings.filter((f) => f.status === 'FAIL' && f.severity === 'high' && f.account === account);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(findings.length);
    expect(await rows().count()).toBe(expected.length);
    for (const cell of await page.locator('#findings tbody tr td:nth-child(1)').allInnerTexts()) expect(cell).toBe('high');
    for (const id of ['#filter-status', '#filter-severity', '#filter-account']) await page.selectOption(id, '');
    expect(await rows().count()).toBe(findings.length);
  });

  it('searches resources and messages, sorts, and shows remediation on demand', async () => {
    const target = findings.find((f) => f.status === 'FAIL' && f.resource.name !== undefined) ?? findings[0];
    const name = target?.resource.name ?? target?.resource.id ?? '';
    await page.fill('#search', name);
    const matching = await rows().count();
    expect(matching).toBeGreaterThan(0);
    expect(matching).toBeLessThan(findings.length);
    await page.locator('#findings tbody tr button', { hasText: 'Details' }).first().click();
    const detail = await page.locator('.detail-row').first().innerText();
    expect(detail).toContain('Evidence');
    expect(detail).toContain('Remediation');
    expect(findings.some((f) => f.remediation !== undefined && detail.includes(f.remediation.text))).toBe(true);
    // The evidence comes from its own block, read only now: the API call and the deciding fields.
    expect(detail).toContain('"api": "');
    expect(detail).toContain('"fields": {');
    await page.fill('#search', '');
    await page.getByRole('button', { name: 'Severity' }).click();
    expect(await page.locator('#findings th[aria-sort="descending"]').innerText()).toBe('Severity');
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const severities = await page.locator('#findings tbody tr:not(.detail-row) td:nth-child(1)').allInnerTexts();
    expect(severities).toEqual([...severities].sort((a, b) => order.indexOf(b) - order.indexOf(a)));
  });

  it('is reachable by keyboard, with every control labelled', async () => {
    await page.focus('#filter-status');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-severity');
    await page.getByRole('button', { name: 'Control' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#findings th[aria-sort="ascending"]').innerText()).toBe('Control');
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('select, input')).filter((c) => document.querySelector(`label[for="${c.id}"]`) === null).length);
    expect(unlabelled).toBe(0);
  });

  it('operates by keyboard alone: Tab reaches the filters, typing chooses a value, Enter opens details', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const active = () => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.textContent ?? '');
    let presses = 0;
    while ((await active()) !== 'filter-status' && presses < 50) {
      await page.keyboard.press('Tab');
      presses += 1;
    }
    expect(await active()).toBe('filter-status');
    await page.keyboard.type('FAIL');
    expect(await page.inputValue('#filter-status')).toBe('FAIL');
    expect(await rows().count()).toBe(findings.filter((f) => f.status === 'FAIL').length);
    for (const next of ['filter-severity', 'filter-control', 'filter-account', 'filter-provider', 'filter-region', 'filter-lifecycle', 'search']) {
      await page.keyboard.press('Tab');
      expect(await active()).toBe(next);
    }
    const target = findings.find((f) => f.status === 'FAIL')?.resource.id ?? '';
    await page.keyboard.type(target);
    expect(await rows().count()).toBe(findings.filter((f) => f.status === 'FAIL' && f.resource.id.toLowerCase().includes(target.toLowerCase())).length);
    await page.locator('#findings tbody button', { hasText: 'Details' }).first().focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#findings tbody button[aria-expanded="true"]').count()).toBe(1);
    expect(await page.locator('.detail-row').innerText()).toContain('Remediation');
    await page.keyboard.press('Enter');
    expect(await page.locator('.detail-row').count()).toBe(0);
  });

  it('has WCAG AA contrast (≥ 4.5:1) for every text colour on its background', async () => {
    const pairs = await page.evaluate(() => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
        const c = [r, g, b].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * (c[0] ?? 0) + 0.7152 * (c[1] ?? 0) + 0.0722 * (c[2] ?? 0);
      };
      const background = (node: Element | null): string => {
        for (let e = node; e !== null; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          const alpha = rgb(bg)[3];
          if (bg !== 'transparent' && alpha !== 0) return bg;
        }
        return getComputedStyle(document.documentElement).backgroundColor || 'rgb(255, 255, 255)';
      };
      const seen = new Map<string, { fg: string; bg: string; ratio: number; example: string }>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent === null || (node.textContent ?? '').trim() === '' || parent.closest('script') !== null) continue;
        const fg = getComputedStyle(parent).color;
        const bg = background(parent);
        const [l1, l2] = [luminance(rgb(fg)), luminance(rgb(bg))].sort((a, b) => b - a) as [number, number];
        const key = `${fg} on ${bg}`;
        if (!seen.has(key)) seen.set(key, { fg, bg, ratio: (l1 + 0.05) / (l2 + 0.05), example: (node.textContent ?? '').trim().slice(0, 40) });
      }
      return [...seen.values()];
    });
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect({ ...pair, pass: pair.ratio >= 4.5 }).toMatchObject({ pass: true });
  });

  it('keeps embedded data inert: a finding that says </script> is shown as text', async () => {
    const json = readFileSync(join(dir, 'reports/2026-W47/report.json'), 'utf8').replace(/"message":\s*"/, '"message":"</script><script>document.title=\'owned\'</script> ');
    await page.setContent(reportPageHtml(json, 'x'));
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.title()).toBe('x');
    await page.fill('#search', '</script>');
    expect(await rows().count()).toBe(1);
  });
});
