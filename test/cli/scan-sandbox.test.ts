// The built `ward` binary against the sandbox cloud, with Slack's webhook played by a local server.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxEnv } from '../../sandbox/env.js';
import { startSandbox } from '../../sandbox/server.js';
import type { World } from '../../sandbox/world.js';
import { cleanEnv, runWard, type RunResult } from '../support/cli.js';
import { SECRET_PATH, startSlackReceiver, type SlackReceiver } from '../support/slack.js';

const ACCOUNT = '111122223333';

function world(openSsh: boolean): World {
  return {
    regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required' },
    accounts: [
      {
        id: ACCOUNT,
        name: 'clinic',
        current: true,
        iam: { root: { password: true, mfa: true } },
        regions: {
          'us-east-1': {
            ebsEncryptionByDefault: true,
            volumes: [{ encrypted: false, tags: { Name: 'scratch' } }],
            securityGroups: [{ name: 'admin', ingress: openSsh ? [{ protocol: 'tcp', fromPort: 22, toPort: 22, ipv4: ['0.0.0.0/0'] }] : [] }],
            logGroups: [{ name: '/app', retentionInDays: 400 }],
          },
          'eu-west-1': { ebsEncryptionByDefault: true },
        },
      },
    ],
  };
}

describe('ward scan against the sandbox', () => {
  let dir: string;
  let slack: SlackReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ward-e2e-'));
    writeFileSync(join(dir, 'ward.config.yml'), 'organizationName: Clinic\naws:\n  includeCurrentAccount: true\n');
    slack = await startSlackReceiver();
  });
  afterEach(() => slack.close());

  async function wardScan(w: World, args: string[] = []): Promise<RunResult> {
    const sandbox = await startSandbox({ world: w, port: 0 });
    try {
      const env = cleanEnv({ ...sandboxEnv(sandbox.url), WARD_SLACK_WEBHOOK_URL: slack.url, WARD_STORE: join(dir, 'store') });
      return await runWard(['scan', '--provider', 'aws', ...args], { env, cwd: dir });
    } finally {
      await sandbox.close();
    }
  }

  it('prints one parseable scan document with --output json, the summary on stderr', async () => {
    const { code, stdout, stderr } = await wardScan(world(false), ['--output', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { scanId: string; targets: Array<{ account: string; regions: string[] }>; results: Array<{ id: string; controlId: string; status: string; scope: string }> };
    expect(doc.targets).toEqual([expect.objectContaining({ account: ACCOUNT, regions: ['eu-west-1', 'us-east-1'] })]);
    expect(doc.results.find((r) => r.controlId === 'aws-ebs-volume-encrypted')?.status).toBe('FAIL');
    expect(stderr).toContain(`Scan ${doc.scanId}`);
    // Written scope by scope as judged: account-wide results first, then each region as listed.
    const scopes = ['global', 'eu-west-1', 'us-east-1'];
    const order = doc.results.map((r) => scopes.indexOf(r.scope));
    expect(new Set(order)).toEqual(new Set([0, 1, 2]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The target's stored document holds the same results in the same order.
    const [stored] = readdirSync(join(dir, 'store', 'scans'));
    const kept = JSON.parse(readFileSync(join(dir, 'store', 'scans', stored ?? ''), 'utf8')) as { results: Array<{ id: string }> };
    expect(kept.results.map((r) => r.id)).toEqual(doc.results.map((r) => r.id));
  });

  it('alerts once for the first scan, not at all for an identical second, and once more naming only what changed', async () => {
    const first = await wardScan(world(false));
    expect(first.code).toBe(0);
    expect(slack.payloads).toHaveLength(1);
    // The unencrypted volume and CloudTrail missing in both regions.
    expect(slack.payloads[0]?.text).toBe('Ward: 3 new findings (3 high)');

    const second = await wardScan(world(false));
    expect(second.code).toBe(0);
    expect(slack.payloads).toHaveLength(1);
    expect(second.stdout).toContain('Since the previous scan: 0 new, 0 reopened, 0 resolved.');

    const third = await wardScan(world(true));
    expect(third.code).toBe(0);
    expect(slack.payloads).toHaveLength(2);
    const message = JSON.stringify(slack.payloads[1]);
    // The group is attached to nothing yet, so the open rule ranks medium.
    expect(slack.payloads[1]?.text).toBe('Ward: 1 new finding (1 medium)');
    expect(message).toContain('1 security group admits SSH from the internet');
    expect(message).toContain('admin');
    expect(message).not.toContain('scratch');

    // The webhook is a secret: not in any output, nor anywhere in the store.
    const secret = SECRET_PATH.split('/').at(-1) ?? '';
    for (const run of [first, second, third]) expect(run.stdout + run.stderr).not.toContain(secret);
    const storeFiles = readdirSync(join(dir, 'store'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const file of storeFiles) expect(readFileSync(join(file.parentPath, file.name), 'utf8')).not.toContain(secret);
  });

  it('exits 1 with --fail-on when findings at or above the severity exist, 0 otherwise', async () => {
    expect((await wardScan(world(false), ['--fail-on', 'high'])).code).toBe(1);
    expect((await wardScan(world(false), ['--fail-on', 'critical'])).code).toBe(0);
  });

  it('exits 1 with --fail-on-new only for findings this scan made new or reopened', async () => {
    const first = await wardScan(world(false), ['--fail-on-new', 'high', '--quiet']);
    expect(first.code).toBe(1);
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain('3 new or reopened failing finding(s) at or above high');
    // The same findings again: still failing, but not new, so CI passes.
    expect((await wardScan(world(false), ['--fail-on-new', 'high'])).code).toBe(0);
    // The open SSH rule is new, but medium.
    expect((await wardScan(world(true), ['--fail-on-new', 'high'])).code).toBe(0);
  }, 120_000);

  it('writes OCSF, CSV and JUnit documents on stdout with --output', async () => {
    const ocsf = await wardScan(world(false), ['--output', 'ocsf']);
    expect(ocsf.code).toBe(0);
    const events = JSON.parse(ocsf.stdout) as Array<{ class_uid: number; cloud: { account: { uid: string } } }>;
    expect(events.length).toBeGreaterThan(3);
    expect(new Set(events.map((e) => [e.class_uid, e.cloud.account.uid].join()))).toEqual(new Set([`2003,${ACCOUNT}`]));
    const csv = await wardScan(world(false), ['--output', 'csv']);
    expect(csv.stdout.split('\r\n')).toHaveLength(events.length + 2);
    const junit = await wardScan(world(false), ['--output', 'junit']);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ward scan [^"]+" tests="\d+" failures="3"/);
    const refused = await wardScan(world(false), ['--output', 'sarif']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Allowed choices are table, json, ocsf, csv, junit.');
  }, 120_000);

  it('imports the results into Security Hub with --security-hub', async () => {
    const { code, stdout, stderr } = await wardScan(world(false), ['--security-hub', '--output', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { results: unknown[] };
    expect(stderr).toContain(`Security Hub: imported ${doc.results.length} finding(s) into ${ACCOUNT} in us-east-1 (1 call(s)).`);
  });

  it('lists stored findings filtered, most severe first, wrapped to 80 columns, or as CSV', async () => {
    expect((await wardScan(world(true))).code).toBe(0);
    const env = cleanEnv({ WARD_STORE: join(dir, 'store') });
    const table = await runWard(['findings'], { env, cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const severities = [...table.stdout.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|INFO) /gm)].map((m) => m[1]);
    expect(severities).toEqual(['HIGH', 'HIGH', 'HIGH', 'MEDIUM']);
    expect(table.stdout).not.toContain('\x1b[');
    const ssh = await runWard(['findings', '--control', 'aws-ssh-*', '--severity', 'medium,low', '--region', 'us-east-1', '--provider', 'aws', '--account', ACCOUNT, '-o', 'json'], { env, cwd: dir });
    expect((JSON.parse(ssh.stdout) as Array<{ finding: { controlId: string } }>).map((r) => r.finding.controlId)).toEqual(['aws-ssh-not-open']);
    const csv = await runWard(['findings', '--severity', 'high', '-o', 'csv'], { env, cwd: dir });
    const lines = csv.stdout.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^\uFEFFfinding_id,status,lifecycle_state,severity,/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(',FAIL,new,high,'))).toBe(true);
  }, 120_000);
});
