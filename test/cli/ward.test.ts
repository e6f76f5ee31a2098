// The built `ward` binary, as a user runs it (npm test builds it before the suite).

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runWard, WARD_BIN } from '../support/cli.js';

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

  it('validates `controls -o` and fits the controls table in 80 columns', async () => {
    const bad = await runWard(['controls', '-o', 'yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are table, json, markdown.');
    const table = await runWard(['controls']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(table.stdout).toContain('aws-ebs-volume-encrypted');
    expect(table.stdout).toContain('    reads ec2:DescribeVolumes');
  }, 60_000);

  it('prints bash, zsh and fish completion scripts generated from the commands; bash completes commands, options and values', async () => {
    const scripts = Object.fromEntries(await Promise.all(['bash', 'zsh', 'fish'].map(async (shell) => [shell, (await runWard(['completion', shell])).stdout] as const)));
    expect(scripts['zsh']).toMatch(/^#compdef ward/);
    expect(scripts['zsh']).toContain('(table json ocsf csv junit)');
    expect(scripts['fish']).toContain("complete -c ward -n '__fish_seen_subcommand_from scan' -l fail-on-new -x -a 'info low medium high critical'");
    const dir = mkdtempSync(join(tmpdir(), 'ward-completion-'));
    writeFileSync(join(dir, 'ward.bash'), scripts['bash'] ?? '');
    const complete = async (...words: string[]) => {
      const script = `source ${join(dir, 'ward.bash')}; COMP_WORDS=(ward ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _ward; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: dir });
      return stdout.trim().split('\n');
    };
    expect(await complete('f')).toEqual(['findings']);
    expect(await complete('scan', '--fail-on')).toEqual(['--fail-on', '--fail-on-new']);
    expect(await complete('scan', '--output', 'j')).toEqual(['json', 'junit']);
    expect(await complete('findings', '--severity', 'c')).toEqual(['critical']);
    const bad = await runWard(['completion', 'powershell']);
    expect(bad.code).toBe(2);
  }, 90_000);

  it('`ward scan` with the variables `ward sandbox` prints scans the same five targets as `npm start`', async () => {
    const sandbox = spawn(process.execPath, [WARD_BIN, 'sandbox'], { env: cleanEnv() });
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        let out = '';
        sandbox.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('export WARD_CONFIG=')) setTimeout(() => resolve(out), 50);
        });
        sandbox.on('error', reject);
        sandbox.on('exit', () => reject(new Error(`ward sandbox exited: ${out}`)));
      });
      const variables = Object.fromEntries([...printed.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/^'(.*)'$/, '$1')]));
      const dir = mkdtempSync(join(tmpdir(), 'ward-sandbox-vars-'));
      const { code, stdout } = await runWard(['scan', '--output', 'json', '--quiet'], { env: cleanEnv({ ...variables, WARD_STORE: join(dir, 'store') }), cwd: dir });
      expect(code).toBe(0);
      const doc = JSON.parse(stdout) as { targets: Array<{ provider: string; account: string }>; results: Array<{ id: string }> };
      expect(doc.targets.map((t) => t.provider).sort()).toEqual(['aws', 'aws', 'aws', 'azure', 'gcp']);
      expect(doc.results.length).toBeGreaterThan(100);
      // Each target is stored as a scan document of its own as soon as it is judged (memory stays
      // flat in the number of accounts); together they are exactly what was printed.
      const stored = readdirSync(join(dir, 'store', 'scans')).map((f) => JSON.parse(readFileSync(join(dir, 'store', 'scans', f), 'utf8')) as { targets: unknown[]; results: Array<{ id: string }> });
      expect(stored.map((s) => s.targets.length)).toEqual([1, 1, 1, 1, 1]);
      expect(stored.flatMap((s) => s.results.map((r) => r.id)).sort()).toEqual(doc.results.map((r) => r.id).sort());
    } finally {
      sandbox.kill('SIGTERM');
    }
  }, 60_000);
});
