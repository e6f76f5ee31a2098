// Ward against the sandbox's AWS APIs over HTTP: the real SDK clients' serialisation, retries and
// pagination, for every AWS control, with faults injected.

import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../app/demo.js';
import type { WardConfig } from '../../core/config.js';
import { demoWorldPath, expandWorld, loadWorld, type World } from '../../sandbox/world.js';
import { scanWorld, verdicts, type SandboxRun } from '../support/sandbox.js';

const PROD = '284716359042';
const STAGING = '617493028513';
const SECURITY = '503164781925';

function awsOnly(config: WardConfig): WardConfig {
  const { gcp: _gcp, azure: _azure, ...rest } = config;
  return rest;
}

describe('AWS controls against the sandbox (demo world)', () => {
  let run: SandboxRun;
  beforeAll(async () => {
    run = await scanWorld(loadWorld(demoWorldPath()), awsOnly(demoConfig()), { providers: ['aws'] });
  });

  it('records who read each account (the caller ARN, the assumed-role session for members) and where Ward ran', () => {
    const members = run.scan.targets.filter((t) => t.identity?.via.startsWith('sts:AssumeRole') === true);
    expect(members.length).toBeGreaterThan(0);
    for (const t of members) {
      expect(t.identity?.principal).toBe(`arn:aws:sts::${t.account}:assumed-role/WardAuditRole/ward-scan`);
      expect(t.identity?.via).toBe(`sts:AssumeRole arn:aws:iam::${t.account}:role/WardAuditRole`);
    }
    const own = run.scan.targets.filter((t) => t.identity?.via.startsWith('default credential chain') === true);
    expect(own).toHaveLength(1);
    expect(own[0]?.identity?.principal).toMatch(new RegExp(`^arn:aws:(iam|sts)::${own[0]?.account ?? ''}:`));
    expect(run.scan.targets.every((t) => t.identity !== undefined)).toBe(true);
    expect(run.scan.runner).toMatchObject({ kind: 'host', host: expect.any(String) as string });
  });

  it('reaches every account of the organisation through the member role, and no disabled region', () => {
    expect(run.scan.targets.map((t) => [t.account, t.regions.length, t.disabledRegions])).toEqual([
      [PROD, 4, ['ap-east-1']],
      [STAGING, 4, ['ap-east-1']],
      [SECURITY, 4, ['ap-east-1']],
    ]);
    expect(run.scan.coverage).toEqual([]);
    expect(run.scan.results.filter((f) => f.status === 'ERROR')).toEqual([]);
  });

  it('judges EBS volumes and encryption by default', () => {
    expect(verdicts(run.scan.results, 'aws-ebs-volume-encrypted')).toMatchObject({
      [`${PROD}/us-east-1/legacy-hl7-gateway`]: 'FAIL high',
      [`${PROD}/us-east-1/portal-web-1`]: 'PASS high',
      [`${STAGING}/us-west-2/restore-test`]: 'FAIL high',
    });
    const byDefault = verdicts(run.scan.results, 'aws-ebs-encryption-by-default');
    expect(Object.entries(byDefault).filter(([, v]) => v.startsWith('FAIL')).map(([k]) => k).sort()).toEqual([
      `${PROD}/eu-west-1/ebs-encryption-by-default`,
      `${STAGING}/us-east-2/ebs-encryption-by-default`,
    ]);
    expect(Object.keys(byDefault)).toHaveLength(12);
  });

  it('judges RDS storage once per Aurora cluster and public access with its security groups', () => {
    expect(verdicts(run.scan.results, 'aws-rds-storage-encrypted')).toEqual({
      [`${PROD}/us-east-1/analytics-replica`]: 'PASS high',
      [`${PROD}/us-east-1/patients-aurora`]: 'PASS high',
      [`${PROD}/us-east-1/reporting-mysql`]: 'FAIL high',
      [`${STAGING}/us-east-1/staging-aurora-mysql`]: 'FAIL high',
      [`${STAGING}/us-east-1/staging-postgres`]: 'PASS high',
    });
    expect(verdicts(run.scan.results, 'aws-rds-not-public')).toMatchObject({
      [`${PROD}/us-east-1/analytics-replica`]: 'FAIL critical',
      [`${PROD}/us-east-1/reporting-mysql`]: 'FAIL high',
      [`${STAGING}/us-east-1/staging-postgres`]: 'PASS high',
    });
  });

  it('finds SSH open to the internet however the rule spells it, and ranks it by exposure', () => {
    const ssh = verdicts(run.scan.results, 'aws-ssh-not-open');
    expect(ssh).toMatchObject({
      [`${PROD}/us-east-1/bastion-split`]: 'FAIL critical',
      [`${PROD}/us-east-1/app-ipv6-ssh`]: 'FAIL critical',
      [`${PROD}/us-east-1/legacy-all-traffic`]: 'FAIL critical',
      [`${PROD}/us-east-1/vpn-udp`]: 'PASS high',
      [`${STAGING}/us-east-1/debug-range`]: 'FAIL critical',
      [`${STAGING}/us-east-1/jenkins-ssh`]: 'FAIL medium',
      [`${PROD}/us-east-1/vendor-ssh`]: 'FAIL medium',
      [`${PROD}/us-east-1/ops-ssh`]: 'PASS high',
    });
    const vendor = run.scan.results.find((r) => r.controlId === 'aws-ssh-not-open' && r.resource.id === 'sg-0a0a0a0a0a0a0000a');
    expect(vendor?.message).toContain('tcp port 22 from prefix list pl-0f0f0f0f0f0f00001 (vendor-access: 203.0.113.0/24, 0.0.0.0/0)');
    expect(vendor?.evidence.map((e) => e.api)).toContain('ec2:GetManagedPrefixListEntries');
    const ops = run.scan.results.find((r) => r.controlId === 'aws-ssh-not-open' && r.resource.id === 'sg-0a0a0a0a0a0a0000b');
    expect(ops?.message).toContain('pl-0e4bcff02b13bef1e (com.amazonaws.us-east-1.ec2-instance-connect, AWS-managed service ranges)');
  });

  it('judges root and console-user MFA from the account summary and the credential report', () => {
    expect(verdicts(run.scan.results, 'aws-root-mfa')).toEqual({
      [`${PROD}/global/root`]: 'PASS critical',
      [`${SECURITY}/global/root`]: 'PASS critical',
      [`${STAGING}/global/root`]: 'FAIL critical',
    });
    expect(verdicts(run.scan.results, 'aws-console-user-mfa')).toMatchObject({
      [`${PROD}/global/billing-clerk`]: 'FAIL high',
      [`${PROD}/global/etl-service`]: 'PASS high',
    });
  });

  it('judges CloudTrail per region, with organisation and multi-region trails homed elsewhere', () => {
    const trails = verdicts(run.scan.results, 'aws-cloudtrail-all-regions');
    expect(Object.entries(trails).filter(([, v]) => v.startsWith('FAIL')).map(([k]) => k).sort()).toEqual([
      `${PROD}/eu-west-1/region-coverage`,
      `${PROD}/us-east-1/region-coverage`,
      `${PROD}/us-east-2/region-coverage`,
      `${PROD}/us-west-2/region-coverage`,
      `${STAGING}/eu-west-1/region-coverage`,
      `${STAGING}/us-east-1/region-coverage`,
      `${STAGING}/us-east-2/region-coverage`,
      `${STAGING}/us-west-2/region-coverage`,
    ]);
    expect(Object.keys(trails)).toHaveLength(12);
  });

  it('fails us-east-1 for a single-region trail without global service events, and every region of a trail whose delivery fails', () => {
    const message = (account: string, region: string) =>
      run.scan.results.find((r) => r.controlId === 'aws-cloudtrail-all-regions' && r.account === account && r.region === region)?.message ?? '';
    expect(message(PROD, 'us-east-1')).toContain('prod-trail (single-region, us-east-1): records us-east-1\'s own management events but not global service events (IncludeGlobalServiceEvents false)');
    expect(message(STAGING, 'eu-west-1')).toContain('staging-trail (multi-region, home us-west-2): logging, but its latest delivery to S3 bucket larkspur-staging-cloudtrail-617493028513 failed (LatestDeliveryError NoSuchBucket)');
    const evidence = run.scan.results.find((r) => r.controlId === 'aws-cloudtrail-all-regions' && r.account === STAGING && r.region === 'us-west-2')?.evidence ?? [];
    expect(evidence).toContainEqual(expect.objectContaining({ api: 'cloudtrail:GetTrailStatus', fields: expect.objectContaining({ LatestDeliveryError: 'NoSuchBucket' }) }));
  });

  it('judges log retention against the threshold and applies the configured mute', () => {
    expect(verdicts(run.scan.results, 'aws-log-retention')).toMatchObject({
      [`${PROD}/us-east-1//ecs/patient-portal`]: 'FAIL medium',
      [`${STAGING}/us-east-1//ecs/patient-portal-staging`]: 'MUTED medium',
    });
  });
});

describe('faults', () => {
  const account = '111122223333';
  const base = (extra: Partial<World>): World => ({
    accounts: [
      {
        id: account,
        name: 'solo',
        current: true,
        regions: {
          'us-east-1': {
            volumes: [{ encrypted: false }],
            logGroups: [{ name: '/a', retentionInDays: 30 }, ...Array.from({ length: 199 }, (_, i) => ({ name: `/app/${i}`, retentionInDays: 400 }))],
          },
          'eu-west-1': { volumes: [{ encrypted: false }], logGroups: [{ name: '/b', retentionInDays: 30 }] },
          'us-west-2': { volumes: [{ encrypted: true }] },
        },
      },
    ],
    regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required', 'us-west-2': 'opt-in-not-required' },
    ...extra,
  });
  const config = { ...awsOnly(demoConfig()), organization: false, aws: { includeCurrentAccount: true, accounts: [] }, mutes: [] };

  it('gives ERROR for exactly the region where a call is denied, never PASS, and records the gap', async () => {
    const run = await scanWorld(base({ faults: [{ kind: 'access-denied', api: 'ec2:DescribeVolumes', region: 'eu-west-1' }] }), config, { providers: ['aws'] });
    const volumes = run.scan.results.filter((f) => f.controlId === 'aws-ebs-volume-encrypted');
    expect(volumes.map((f) => [f.region, f.status, f.resource.type]).sort()).toEqual([
      ['eu-west-1', 'ERROR', 'Scope'],
      ['us-east-1', 'FAIL', 'AWS::EC2::Volume'],
      ['us-west-2', 'PASS', 'AWS::EC2::Volume'],
    ]);
    // Other controls in the denied region are unaffected.
    expect(verdicts(run.scan.results, 'aws-log-retention')[`${account}/eu-west-1//b`]).toBe('FAIL medium');
    expect(run.scan.coverage).toEqual([
      expect.objectContaining({ account, region: 'eu-west-1', api: 'ec2:DescribeVolumes', code: 'UnauthorizedOperation', controls: ['aws-ebs-volume-encrypted'] }),
    ]);
  });

  it('finishes a throttling storm through retries, with every result read', async () => {
    // 200 log groups are four pages, asked for faster than two a second allows.
    const run = await scanWorld(base({ rateLimits: [{ api: 'logs:DescribeLogGroups', rate: 2, burst: 1 }] }), config, { providers: ['aws'] });
    expect(run.throttled).toBeGreaterThan(0);
    expect(run.metrics.attempts).toBeGreaterThan(run.metrics.calls);
    expect(run.scan.coverage).toEqual([]);
    expect(run.scan.results.filter((f) => f.status === 'ERROR')).toEqual([]);
    const retention = verdicts(run.scan.results, 'aws-log-retention');
    expect(Object.keys(retention)).toHaveLength(201);
    expect(Object.entries(retention).filter(([, v]) => v.startsWith('FAIL')).map(([k]) => k).sort()).toEqual([`${account}/eu-west-1//b`, `${account}/us-east-1//a`]);
  });

  it('gives ERROR for every control of an account whose role cannot be assumed', async () => {
    const world = base({});
    const member = { id: '222233334444', name: 'member', roles: [{ name: 'WardAuditRole', externalId: 'right-id' }], regions: {} };
    world.accounts = [...(world.accounts ?? []), member];
    const withMember = { ...config, aws: { includeCurrentAccount: false, accounts: [{ id: '222233334444', name: 'member', roleArn: 'arn:aws:iam::222233334444:role/WardAuditRole', externalId: 'wrong-id' }] } };
    const run = await scanWorld(world, withMember, { providers: ['aws'] });
    expect(new Set(run.scan.results.map((f) => `${f.status} ${f.region}`))).toEqual(new Set(['ERROR *']));
    expect(run.scan.results).toHaveLength(9);
    expect(run.scan.coverage[0]).toMatchObject({ account: '222233334444', api: 'sts:AssumeRole', code: 'AccessDenied' });
  });
});

describe('pagination past the first page, for every paginated call', () => {
  it('reads every item when each list is one item longer than the largest page', async () => {
    const world: World = {
      accounts: [{ id: '111122223333', name: 'caller', current: true }],
      regions: { 'us-east-1': 'opt-in-not-required' },
      generate: {
        seed: 3,
        accounts: 1,
        regions: ['us-east-1'],
        resources: 1,
        perRegion: { volumes: 501, securityGroups: 1001, networkInterfaces: 1001, dbInstances: 101, dbClusters: 101, logGroups: 51 },
        users: 2,
        role: { externalId: 'gen-ext' },
      },
    };
    const generated = expandWorld(world).accounts?.find((a) => a.id !== '111122223333');
    const region = generated?.regions?.['us-east-1'];
    if (generated === undefined || region === undefined) throw new Error('the generator made no account');
    const instances = region.dbInstances ?? [];
    const clusters = region.dbClusters ?? [];
    const config = {
      ...awsOnly(demoConfig()),
      organization: false,
      mutes: [],
      aws: { includeCurrentAccount: false, accounts: [{ id: generated.id, roleArn: `arn:aws:iam::${generated.id}:role/WardAuditRole`, externalId: 'gen-ext' }] },
    };
    const run = await scanWorld(world, config, { providers: ['aws'] });
    const count = (control: string) => run.scan.results.filter((f) => f.controlId === control).length;
    expect(count('aws-ebs-volume-encrypted')).toBe(501);
    expect(count('aws-ssh-not-open')).toBeGreaterThanOrEqual(1001);
    expect(count('aws-log-retention')).toBe(51);
    // Cluster members are judged through their clusters, so storage results cover clusters and
    // stand-alone instances; public access covers every instance.
    expect(instances.length).toBeGreaterThan(100);
    expect(clusters.length).toBeGreaterThan(100);
    expect(count('aws-rds-not-public')).toBe(instances.length);
    expect(count('aws-rds-storage-encrypted')).toBe(clusters.length + instances.filter((i) => i.cluster === undefined).length);
    for (const api of ['ec2:DescribeVolumes', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkInterfaces', 'rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'logs:DescribeLogGroups']) {
      expect(run.byApi[api], api).toBeGreaterThanOrEqual(2);
    }
    expect(run.scan.coverage).toEqual([]);
  });
});
