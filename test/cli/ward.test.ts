// The built `ward` binary, as a user runs it (npm test builds it before the suite).

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runWard } from '../support/cli.js';

describe('ward CLI', () => {
  it('prints help for every command', async () => {
    const top = await runWard(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['scan', 'findings', 'report', 'evidence', 'sandbox', 'policy', 'controls']) {
      expect(top.stdout).toContain(command);
      const sub = await runWard([command, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain(`Usage: ward ${command}`);
    }
    // Eight CLI start-ups, one after another: on a loaded 2-core machine each can take seconds.
  }, 120_000);

  it('prints a valid least-privilege IAM policy document', async () => {
    const { code, stdout } = await runWard(['policy']);
    expect(code).toBe(0);
    const policy = JSON.parse(stdout) as { Version: string; Statement: Array<{ Effect: string; Action: string[] }> };
    expect(policy.Version).toBe('2012-10-17');
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain('ec2:DescribeVolumes');
    expect(actions.some((a) => a.includes('*'))).toBe(false);
  });

  it('prints, for an organisation scan, organizations:ListAccounts and sts:AssumeRole on the member role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-cli-'));
    const config = join(dir, 'ward.config.yml');
    writeFileSync(config, 'organization: true\naws:\n  memberRole:\n    name: WardReadOnly\n    externalId: shared-secret\n');
    const { code, stdout, stderr } = await runWard(['policy', '--config', config], { env: cleanEnv(), cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const policy = JSON.parse(stdout) as { Statement: Array<{ Action: string[]; Resource: string | string[] }> };
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Action: ['organizations:ListAccounts'], Resource: '*' }));
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::*:role/WardReadOnly'] }));
  });

  it('says in one line how to provide credentials when there are none, and exits 2', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'ward-cli-')), 'store');
    const { code, stdout, stderr } = await runWard(['scan', '--store', store]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ward: No AWS credentials found\. Provide them/);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(existsSync(store)).toBe(false);
  });

  it('rejects an invalid configuration before scanning, naming the file and path, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-cli-'));
    const config = join(dir, 'ward.config.yml');
    writeFileSync(config, 'aws:\n  accounts:\n    - id: "111122223333"\n      roleArn: not-an-arn\n');
    const { code, stderr } = await runWard(['scan', '--config', config, '--store', join(dir, 'store')], { env: cleanEnv(), cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(`${config}:4:16: aws.accounts[0].roleArn: expected an IAM role ARN`);
    expect(stderr).toContain('found string "not-an-arn"');
    expect(existsSync(join(dir, 'store'))).toBe(false);
  });

  it('rejects a bad flag value with exit 2', async () => {
    const { code, stderr } = await runWard(['scan', '--fail-on', 'urgent']);
    expect(code).toBe(2);
    expect(stderr).toContain('expected one of info, low, medium, high, critical');
  });
});
