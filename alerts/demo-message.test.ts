// The first scan of the demo organisation, as the Slack message a phone shows. The captured
// message is committed (alerts/fixtures/demo-first-scan.slack.json) and re-rendered here from a
// real scan of the sandbox; its height is bounded by the model in phone-height.ts.
// WARD_UPDATE_FIXTURES=1 rewrites the fixture.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceScan } from '../app/announce.js';
import { demoConfig, startDemoSandbox, type RunningSandbox } from '../app/demo.js';
import { scan } from '../app/scan.js';
import type { ScanDocument } from '../core/model.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { PHONE_SCREEN_PX, phoneHeight } from './phone-height.js';
import type { SlackMessage } from './slack-message.js';

const FIXTURE = new URL('fixtures/demo-first-scan.slack.json', import.meta.url);

/** Scan ids, dates and temp paths change every run; the rest must not. */
function stable(message: unknown): unknown {
  return JSON.parse(JSON.stringify(message).replace(/\d{8}T\d{6}Z-[0-9a-f]{8}/g, '<scan>').replace(/\/tmp\/ward-demo-msg-[^/]+/g, '<store>'));
}

describe('the demo organisation on a phone', () => {
  let sandbox: RunningSandbox;
  let slack: SlackReceiver;
  let store: ScanStore;
  let first: ScanDocument;
  const saved = { ...process.env };

  beforeAll(async () => {
    const config = demoConfig();
    sandbox = await startDemoSandbox(config);
    slack = await startSlackReceiver();
    store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-demo-msg-'))));
    // The week's report exists, so the message links it (a path locally).
    await store.blobs.write('reports/2026-W49/report.pdf', 'pdf');
    first = (await scan({ config, store })).scan;
    await announceScan(store, first, slack.url, { delivery: { maxAttempts: 1 } });
  }, 120_000);

  afterAll(async () => {
    await slack.close();
    await sandbox.close();
    process.env = saved;
  });

  it('sends one message for the first scan, the one committed as the fixture', () => {
    expect(slack.accepted).toHaveLength(1);
    const captured = stable(slack.accepted[0]);
    if (process.env['WARD_UPDATE_FIXTURES'] === '1') writeFileSync(FIXTURE, `${JSON.stringify(captured, null, 2)}\n`);
    expect(captured).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  });

  it('fits the first scan in about three phone screens', () => {
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as SlackMessage;
    const height = phoneHeight(fixture);
    expect(height).toBeLessThanOrEqual(3 * PHONE_SCREEN_PX);
    // Not a trivially short message either: it names what failed.
    expect(height).toBeGreaterThan(PHONE_SCREEN_PX);
    expect(JSON.stringify(fixture)).not.toMatch(/ward findings|npx ward/);
  });

  it('says one change in one short message', async () => {
    const pass = first.results.find((f) => f.status === 'PASS');
    if (pass === undefined) throw new Error('the demo organisation has no passing resource');
    const at = new Date(Date.parse(first.finishedAt) + 60_000).toISOString();
    const second: ScanDocument = { ...first, scanId: `${first.scanId}-next`, startedAt: at, finishedAt: at, results: first.results.map((f) => (f.id === pass.id ? { ...f, status: 'FAIL' as const } : f)) };
    await store.recordScan(second);
    expect(await announceScan(store, second, slack.url, { delivery: { maxAttempts: 1 } })).toMatchObject({ status: 'delivered', alerts: 1 });
    const message = slack.accepted[1] as unknown as SlackMessage;
    expect(message.text).toMatch(/^Ward: 1 new finding/);
    expect(phoneHeight(message)).toBeLessThanOrEqual(PHONE_SCREEN_PX / 2);
  });
});
