import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY, sandboxEnv } from './env.js';
import { startSandbox, type Sandbox } from './server.js';
import { rejection, sandboxClients, type SandboxClients } from './testkit.js';
import type { World } from './types.js';
import { demoWorldPath, loadWorld } from './world.js';

/** What the SDK's retry strategy treats as throttling (by error name, or the modelled trait). */
const SDK_THROTTLING_NAMES = ['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException'];

const BASE: World = {
  seed: 42,
  regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required', 'ap-east-1': 'not-opted-in' },
  accounts: [{ id: '111122223333', name: 'main', current: true, regions: { 'us-east-1': { volumes: [{ encrypted: true }] }, 'eu-west-1': { volumes: [{ encrypted: false }] } } }],
};

const running: Sandbox[] = [];
const opened: SandboxClients[] = [];
const extra: Array<{ destroy(): void }> = [];

async function sandbox(overrides: Partial<World>): Promise<Sandbox> {
  const s = await startSandbox({ world: { ...BASE, ...overrides } });
  running.push(s);
  return s;
}

function clients(s: Sandbox, region = 'us-east-1'): SandboxClients {
  const c = sandboxClients(s.url, region);
  opened.push(c);
  return c;
}

afterEach(async () => {
  for (const c of opened.splice(0)) c.destroy();
  for (const c of extra.splice(0)) c.destroy();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('throttling', () => {
  it('answers each protocol\'s own throttling error once a token bucket is empty, and counts it', async () => {
    const s = await sandbox({ rateLimits: [{ api: '*', rate: 0.001, burst: 1 }] });
    const c = clients(s);
    const calls: Array<[string, () => Promise<unknown>, string, number]> = [
      ['ec2:DescribeVolumes', () => c.ec2.send(new DescribeVolumesCommand({})), 'RequestLimitExceeded', 503],
      ['rds:DescribeDBInstances', () => c.rds.send(new DescribeDBInstancesCommand({})), 'Throttling', 400],
      ['iam:GetAccountSummary', () => c.iam.send(new GetAccountSummaryCommand({})), 'Throttling', 400],
      ['sts:GetCallerIdentity', () => c.sts.send(new GetCallerIdentityCommand({})), 'Throttling', 400],
      ['cloudtrail:DescribeTrails', () => c.cloudtrail.send(new DescribeTrailsCommand({})), 'ThrottlingException', 400],
      ['logs:DescribeLogGroups', () => c.logs.send(new DescribeLogGroupsCommand({})), 'ThrottlingException', 400],
    ];
    for (const [api, call, name, status] of calls) {
      await call();
      const error = await rejection(call());
      expect(error.name, api).toBe(name);
      expect(error.$metadata?.httpStatusCode, api).toBe(status);
      expect(error.$retryable?.throttling === true || SDK_THROTTLING_NAMES.includes(error.name), api).toBe(true);
      expect(s.stats.throttledByApi[api], api).toBe(1);
      expect(s.stats.byApi[api], api).toBe(2);
    }
    expect(s.stats).toMatchObject({ requests: 12, throttled: 6, errors: 6 });
    s.stats.reset();
    expect(s.stats).toMatchObject({ requests: 0, throttled: 0, errors: 0, byApi: {}, throttledByApi: {} });
  });

  it('buckets are per account, region and API, and refill at their rate', async () => {
    const s = await sandbox({ rateLimits: [{ api: 'ec2:DescribeVolumes', rate: 20, burst: 1 }] });
    const east = clients(s).ec2;
    const west = clients(s, 'eu-west-1').ec2;
    await east.send(new DescribeVolumesCommand({}));
    await west.send(new DescribeVolumesCommand({}));
    await east.send(new DescribeRegionsCommand({}));
    expect((await rejection(east.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    await new Promise((resolve) => setTimeout(resolve, 80));
    await east.send(new DescribeVolumesCommand({}));
  });

  it('the SDK retries a 400 throttling answer (it recognises it) but not a 400 access denial', async () => {
    const s = await sandbox({
      faults: [
        { kind: 'throttle', api: 'iam:GetAccountSummary', count: 1 },
        { kind: 'throttle', api: 'logs:DescribeLogGroups', count: 1 },
        { kind: 'access-denied', api: 'logs:DescribeLogGroups', region: 'eu-west-1' },
      ],
    });
    const config = { endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }, retryStrategy: new ConfiguredRetryStrategy(2, 0) };
    const iam = new IAMClient(config);
    const logs = new CloudWatchLogsClient(config);
    const logsEu = new CloudWatchLogsClient({ ...config, region: 'eu-west-1' });
    extra.push(iam, logs, logsEu);
    await iam.send(new GetAccountSummaryCommand({}));
    await logs.send(new DescribeLogGroupsCommand({}));
    expect(s.stats.byApi).toMatchObject({ 'iam:GetAccountSummary': 2, 'logs:DescribeLogGroups': 2 });
    const denied = await rejection(logsEu.send(new DescribeLogGroupsCommand({})));
    expect(denied.name).toBe('AccessDeniedException');
    expect(s.stats.byApi['logs:DescribeLogGroups']).toBe(3);
  });
});

describe('faults', () => {
  it('denies access to one API in one region only, in each protocol\'s shape', async () => {
    const s = await sandbox({
      faults: [
        { kind: 'access-denied', api: 'ec2:DescribeVolumes', region: 'eu-west-1' },
        { kind: 'access-denied', api: 'rds:*', region: 'eu-west-1', account: 'main' },
        { kind: 'access-denied', api: 'cloudtrail:DescribeTrails', region: 'eu-west-1' },
      ],
    });
    const east = clients(s);
    const west = clients(s, 'eu-west-1');
    expect((await east.ec2.send(new DescribeVolumesCommand({}))).Volumes).toHaveLength(1);
    const ec2 = await rejection(west.ec2.send(new DescribeVolumesCommand({})));
    expect([ec2.name, ec2.$metadata?.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
    expect(ec2.message).toContain('arn:aws:iam::111122223333:user/ward-operator is not authorized to perform: ec2:DescribeVolumes');
    const rds = await rejection(west.rds.send(new DescribeDBInstancesCommand({})));
    expect([rds.name, rds.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const trail = await rejection(west.cloudtrail.send(new DescribeTrailsCommand({})));
    expect([trail.name, trail.$metadata?.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
    await east.cloudtrail.send(new DescribeTrailsCommand({}));
  });

  it('a disabled region answers like AWS: AuthFailure, InvalidClientTokenId, UnrecognizedClientException', async () => {
    const s = await startSandbox({ world: loadWorld(demoWorldPath()) });
    running.push(s);
    const hk = clients(s, 'ap-east-1');
    const ec2 = await rejection(hk.ec2.send(new DescribeVolumesCommand({})));
    expect([ec2.name, ec2.$metadata?.httpStatusCode, ec2.message]).toEqual(['AuthFailure', 401, 'AWS was not able to validate the provided access credentials']);
    const rds = await rejection(hk.rds.send(new DescribeDBInstancesCommand({})));
    expect([rds.name, rds.$metadata?.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    const logs = await rejection(hk.logs.send(new DescribeLogGroupsCommand({})));
    expect([logs.name, logs.$metadata?.httpStatusCode]).toEqual(['UnrecognizedClientException', 400]);
    // IAM is global: signing with the disabled region changes nothing.
    const iam = new IAMClient({ endpoint: s.url, region: 'ap-east-1', credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: 'x' }, maxAttempts: 1 });
    extra.push(iam);
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.['AccountMFAEnabled']).toBe(1);
    const faulted = await sandbox({ faults: [{ kind: 'region-disabled', region: 'eu-west-1' }] });
    expect((await rejection(clients(faulted, 'eu-west-1').ec2.send(new DescribeVolumesCommand({})))).name).toBe('AuthFailure');
  });

  it('injects 5xx a number of times, or with a seeded probability', async () => {
    const s = await sandbox({ faults: [{ kind: 'internal-error', api: 'ec2:DescribeVolumes', count: 2 }, { kind: 'unavailable', api: 'logs:*', count: 1 }, { kind: 'internal-error', api: 'iam:*', count: 1 }] });
    const c = clients(s);
    for (let i = 0; i < 2; i += 1) {
      const error = await rejection(c.ec2.send(new DescribeVolumesCommand({})));
      expect([error.name, error.$metadata?.httpStatusCode, error.$fault]).toEqual(['InternalError', 500, 'server']);
    }
    await c.ec2.send(new DescribeVolumesCommand({}));
    expect((await rejection(c.logs.send(new DescribeLogGroupsCommand({})))).$metadata?.httpStatusCode).toBe(503);
    const iam = await rejection(c.iam.send(new GetAccountSummaryCommand({})));
    expect([iam.name, iam.$metadata?.httpStatusCode]).toEqual(['ServiceFailureException', 500]);

    const outcomes = async () => {
      const p = await sandbox({ faults: [{ kind: 'internal-error', api: 'sts:*', probability: 0.5 }] });
      const sts = clients(p).sts;
      const seen: boolean[] = [];
      for (let i = 0; i < 16; i += 1) seen.push(await sts.send(new GetCallerIdentityCommand({})).then(() => true, () => false));
      return seen;
    };
    const first = await outcomes();
    expect(first).toEqual(await outcomes());
    expect(first.filter(Boolean).length).toBeGreaterThan(2);
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(2);
  });

  it('answers a custom error code', async () => {
    const s = await sandbox({ faults: [{ kind: 'error', api: 'cloudtrail:DescribeTrails', code: 'OrganizationsNotInUseException', status: 400, message: 'not in use' }] });
    const error = await rejection(clients(s).cloudtrail.send(new DescribeTrailsCommand({})));
    expect([error.name, error.message]).toEqual(['OrganizationsNotInUseException', 'not in use']);
  });

  it('adds latency and slow responses, and close() ends hanging requests', async () => {
    const s = await sandbox({ latencyMs: { min: 30, max: 40 }, faults: [{ kind: 'slow', api: 'ec2:DescribeRegions', delayMs: 100 }, { kind: 'hang', api: 'sts:GetCallerIdentity' }] });
    const c = clients(s);
    let started = Date.now();
    await c.ec2.send(new DescribeVolumesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
    started = Date.now();
    await c.ec2.send(new DescribeRegionsCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(125);
    const hanging = c.sts.send(new GetCallerIdentityCommand({})).then(
      () => 'answered',
      () => 'dropped',
    );
    const early = await Promise.race([hanging, new Promise((resolve) => setTimeout(() => resolve('waiting'), 150))]);
    expect(early).toBe('waiting');
    started = Date.now();
    await s.close();
    expect(await hanging).toBe('dropped');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('environment', () => {
  it('gives a client everything it needs through the standard variables', async () => {
    const s = await sandbox({});
    const env = sandboxEnv(s.url, 'eu-west-1');
    expect(Object.keys(env).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY']);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
      extra.push(logs);
      await logs.send(new DescribeLogGroupsCommand({}));
      expect(s.stats.byApi['logs:DescribeLogGroups']).toBe(1);
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});
