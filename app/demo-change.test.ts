// `npm start`'s last step: one change to the running demo sandbox, re-judged by the change scan, and
// the one Slack message it builds, printed (posted only to a loopback listener).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { demoConfig, startDemoSandbox, type RunningSandbox } from './demo.js';
import { demoChange, renderDemoChange, type DemoChange } from './demo-change.js';

describe('the demo ends with one change', () => {
  let sandbox: RunningSandbox;
  let store: ScanStore;
  let change: DemoChange;
  const saved = { ...process.env };

  beforeAll(async () => {
    const config = demoConfig();
    sandbox = await startDemoSandbox(config);
    store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-demo-change-'))));
    change = await demoChange(sandbox, config, store);
  }, 60_000);

  afterAll(async () => {
    await sandbox.close();
    process.env = saved;
  });

  it('opens SSH on the security account default group, re-judges only that group and builds one message', async () => {
    expect(change.event.detail.eventName).toBe('AuthorizeSecurityGroupIngress');
    expect(change.outcome.scan?.results.map((f) => [f.controlId, f.resource.name, f.status])).toEqual([['aws-ssh-not-open', 'default', 'FAIL']]);
    expect(change.outcome.scan?.partial).toHaveLength(1);
    expect(change.outcome.alerts?.status).toBe('delivered');
    expect(change.messages).toHaveLength(1);
    expect(change.messages[0]?.text).toMatch(/^Ward: 1 new finding/);
    const state = await store.loadState('aws', change.event.account);
    expect(state?.tracked.map((t) => [t.finding.controlId, t.state])).toEqual([['aws-ssh-not-open', 'new']]);
  });

  it('prints the change, the time to the message and the message itself, and says it was not sent', () => {
    const text = renderDemoChange(change);
    expect(text).toContain('AuthorizeSecurityGroupIngress opened TCP 22 to 0.0.0.0/0 on default');
    expect(text).toMatch(/Slack message in \d+ ms/);
    expect(text).toContain('printed here, not sent');
    expect(text).toContain('│ ');
    expect(text).not.toMatch(/hooks\.slack\.com|127\.0\.0\.1/);
  });
});
