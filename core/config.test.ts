import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, HIPAA_6Y_RETENTION_DAYS, loadConfig, MAX_CONFIG_BYTES, parseConfig } from './config.js';
import { UserError } from './errors.js';

const CONTROLS = ['aws-ebs-volume-encrypted', 'aws-log-retention'];

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'ward.config.yml', CONTROLS);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the configuration to be rejected');
}

describe('ward.config.yml', () => {
  it('applies defaults to an empty file', () => {
    const config = parseConfig('', 'ward.config.yml', CONTROLS);
    expect(config).toEqual({
      organizationName: 'Your organisation',
      organization: false,
      thresholds: { minLogRetentionDays: 365 },
      controls: { disabled: [] },
      aws: { includeCurrentAccount: true, accounts: [] },
      scan: { concurrency: 32 },
      mutes: [],
      muteLimits: { maxDays: 365, warnShare: 0.25 },
    });
  });

  it('reads accounts, regions, thresholds and the hipaa-6y profile', () => {
    const config = parseConfig(
      [
        'profile: hipaa-6y',
        'controls:',
        '  disabled: [aws-log-retention]',
        'aws:',
        '  includeCurrentAccount: false',
        '  regions: [eu-west-1, us-east-1]',
        '  accounts:',
        '    - id: "012345678901"',
        '      name: production',
        '      roleArn: arn:aws:iam::012345678901:role/WardReadOnly',
        '      externalId: ward-7f3a',
      ].join('\n'),
      'ward.config.yml',
      CONTROLS,
    );
    expect(config.thresholds.minLogRetentionDays).toBe(HIPAA_6Y_RETENTION_DAYS);
    expect(config.controls.disabled).toEqual(['aws-log-retention']);
    expect(config.aws).toEqual({
      includeCurrentAccount: false,
      regions: ['eu-west-1', 'us-east-1'],
      accounts: [{ id: '012345678901', name: 'production', roleArn: 'arn:aws:iam::012345678901:role/WardReadOnly', externalId: 'ward-7f3a' }],
    });
  });

  it('requires the member role for organisation fan-out', () => {
    expect(problemsOf('organization: true\n')).toEqual([
      'ward.config.yml:1:15: organization: expected aws.memberRole (the role name every member account has) when organization is true, found none',
    ]);
    const config = parseConfig('organization: true\naws:\n  memberRole: { name: WardReadOnly, externalId: ward-x1 }\n', 'f', CONTROLS);
    expect(config.aws.memberRole).toEqual({ name: 'WardReadOnly', externalId: 'ward-x1' });
  });

  it('lets an explicit threshold win over the profile', () => {
    expect(parseConfig('profile: hipaa-6y\nthresholds:\n  minLogRetentionDays: 400\n', 'f', CONTROLS).thresholds.minLogRetentionDays).toBe(400);
  });

  it('names file, line, path, what was expected and what was found for every problem', () => {
    const problems = problemsOf(
      ['aws:', '  accounts:', '    - id: 111122223333', '      roleArn: arn:aws:iam::111122223333:role/Ward', '      extrnalId: x', 'thresholds:', '  minLogRetentionDays: "365"'].join('\n'),
    );
    expect(problems).toEqual([
      'ward.config.yml:3:11: aws.accounts[0].id: expected a 12-digit AWS account id, quoted so YAML keeps it a string, found number 111122223333 (quote account ids in YAML)',
      'ward.config.yml:5:18: aws.accounts[0].extrnalId: unknown field "extrnalId"; expected one of: id, name, roleArn, externalId',
      'ward.config.yml:7:24: thresholds.minLogRetentionDays: expected a number of days, found string "365"',
    ]);
  });

  it('reports a missing required field at its parent', () => {
    expect(problemsOf('aws:\n  accounts:\n    - id: "111122223333"\n')).toEqual(['ward.config.yml:3:7: aws.accounts[0].roleArn: missing required field "roleArn"']);
  });

  it('rejects a role in another account, a duplicate account and an unknown control', () => {
    const problems = problemsOf(
      [
        'controls:',
        '  disabled: [aws-no-such-control]',
        'aws:',
        '  accounts:',
        '    - id: "111122223333"',
        '      roleArn: arn:aws:iam::999999999999:role/Ward',
        '    - id: "111122223333"',
        '      roleArn: arn:aws:iam::111122223333:role/Ward',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'ward.config.yml:2:14: controls.disabled[0]: expected a known control id, found "aws-no-such-control" (see `ward controls`)',
      'ward.config.yml:6:16: aws.accounts[0].roleArn: expected a role in account 111122223333 (the entry\'s id), found a role in account 999999999999',
      'ward.config.yml:7:11: aws.accounts[1].id: account 111122223333 is already listed at aws.accounts[0]',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('aws:\n  regions: [eu-west-1\n')[0]).toMatch(/^ward\.config\.yml:\d+:\d+: \(YAML syntax\): /);
  });

  it('rejects a duplicated key rather than silently keeping one', () => {
    expect(problemsOf('profile: default\nprofile: hipaa-6y\n')[0]).toContain('(YAML syntax)');
  });

  it('uses defaults when the default file is absent, but requires a file named explicitly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-config-'));
    expect(loadConfig(join(dir, 'ward.config.yml'), false, CONTROLS).aws.includeCurrentAccount).toBe(true);
    expect(() => loadConfig(join(dir, 'missing.yml'), true, CONTROLS)).toThrow(UserError);
    writeFileSync(join(dir, 'ward.config.yml'), 'scan:\n  concurrency: 0\n');
    expect(() => loadConfig(join(dir, 'ward.config.yml'), false, CONTROLS)).toThrow('ward.config.yml:2:16: scan.concurrency: expected a number of parallel reads >= 1, found number 0');
  });
});

describe('mutes in ward.config.yml', () => {
  it('reads a mute with its matchers, reason, owner and expiry', () => {
    const config = parseConfig(
      [
        'mutes:',
        '  - controls: [aws-ebs-volume-encrypted]',
        '    accounts: ["111122223333"]',
        '    resources: ["arn:aws:ec2:*:*:volume/vol-0scratch*"]',
        '    tags: { purpose: scratch }',
        '    reason: Scratch volumes hold no PHI by policy',
        '    owner: secops@example.org',
        '    expires: 2027-03-31',
        '    approvedBy: Security Officer',
        '    ticket: RISK-142',
      ].join('\n'),
      'ward.config.yml',
      CONTROLS,
    );
    expect(config.mutes).toEqual([
      {
        controls: ['aws-ebs-volume-encrypted'],
        accounts: ['111122223333'],
        resources: ['arn:aws:ec2:*:*:volume/vol-0scratch*'],
        tags: { purpose: 'scratch' },
        reason: 'Scratch volumes hold no PHI by policy',
        owner: 'secops@example.org',
        expires: '2027-03-31',
        approvedBy: 'Security Officer',
        ticket: 'RISK-142',
      },
    ]);
  });

  it('requires a reason, an owner, a real expiry date and something to match', () => {
    expect(problemsOf('mutes:\n  - reason: short\n    expires: 2027-02-30\n')).toEqual([
      'ward.config.yml:2:5: mutes[0]: expected at least one of controls, accounts, regions, resources, tags to say what it applies to, found none',
      'ward.config.yml:2:5: mutes[0].owner: missing required field "owner"',
      'ward.config.yml:2:13: mutes[0].reason: expected at least 10 character(s), found string "short"',
    ]);
    expect(problemsOf('mutes:\n  - controls: [aws-nope]\n    broad: true\n    reason: a good reason here\n    owner: me\n    expires: 2027-02-30\n')).toEqual([
      'ward.config.yml:2:16: mutes[0].controls[0]: expected a known control id, found "aws-nope"',
      'ward.config.yml:6:14: mutes[0].expires: expected a real calendar date, found "2027-02-30"',
    ]);
  });

  const TODAY = new Date('2026-12-04T10:00:00Z');
  const mute = (lines: string): string => `mutes:\n  - ${lines}\n    reason: a good reason here\n    owner: me\n`;
  const problemsAt = (text: string, today = TODAY): string[] => {
    try {
      parseConfig(text, 'ward.config.yml', CONTROLS, today);
      return [];
    } catch (error) {
      return (error as ConfigError).problems.map((p) => `${p.path}: ${p.text}`);
    }
  };

  it('caps a mute at one year ahead of today by default, and at muteLimits.maxDays when set', () => {
    const forever = mute('controls: ["*"]\n    broad: true\n    expires: 9999-12-31');
    expect(problemsAt(forever)).toEqual([
      'mutes[0].expires: expected a date no later than 2027-12-04 (at most 365 days ahead; muteLimits.maxDays), found 9999-12-31: renew accepted risks instead of muting for ever',
    ]);
    expect(problemsAt(mute('controls: [aws-ebs-volume-encrypted]\n    resources: [vol-1]\n    expires: 2027-12-04'))).toEqual([]);
    expect(problemsAt(`muteLimits: { maxDays: 30 }\n${mute('controls: [aws-ebs-volume-encrypted]\n    resources: [vol-1]\n    expires: 2027-01-04')}`)).toEqual([
      'mutes[0].expires: expected a date no later than 2027-01-03 (at most 30 days ahead; muteLimits.maxDays), found 2027-01-04: renew accepted risks instead of muting for ever',
    ]);
  });

  it('makes a mute that matches every control or every resource say broad: true', () => {
    expect(problemsAt(mute('controls: ["*"]\n    expires: 2027-06-30'))).toEqual([
      'mutes[0]: this mute matches every control and every resource; narrow it (controls, resources or tags) or add `broad: true` to say that is intended',
    ]);
    expect(problemsAt(mute('accounts: ["111122223333"]\n    resources: ["**"]\n    controls: [aws-ebs-volume-encrypted]\n    expires: 2027-06-30'))).toEqual([
      'mutes[0]: this mute matches every resource; narrow it (controls, resources or tags) or add `broad: true` to say that is intended',
    ]);
    expect(problemsAt(mute('tags: { env: sandbox }\n    expires: 2027-06-30'))).toEqual([
      'mutes[0]: this mute matches every control; narrow it (controls, resources or tags) or add `broad: true` to say that is intended',
    ]);
    expect(problemsAt(mute('controls: ["*"]\n    broad: true\n    expires: 2027-06-30'))).toEqual([]);
  });
});

describe('hostile configuration files', () => {
  it('rejects a YAML alias bomb with one line saying what to do', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'organizationName: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
    expect(() => parseConfig(bomb, 'ward.config.yml', CONTROLS)).toThrow(/ward.config.yml uses YAML aliases .*excessive alias count.*Fix: write the values out/);
  });

  it('refuses a configuration over the size cap before parsing it', () => {
    const huge = `organizationName: "${'x'.repeat(MAX_CONFIG_BYTES)}"\n`;
    expect(() => parseConfig(huge, 'big.yml', CONTROLS)).toThrow(/big.yml is larger than 4 MiB, Ward's limit/);
  });

  it('reads at most the cap from an endless file such as /dev/zero', () => {
    expect(() => loadConfig('/dev/zero', true, CONTROLS)).toThrow(/\/dev\/zero is larger than 4 MiB/);
  });
});
