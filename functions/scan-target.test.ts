import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trustedTarget, parseTrustedShape, UntrustedTargetError } from '../app/target-trust.js';
import { loadConfig } from '../core/config.js';
import { CONTROL_IDS } from '../checks/index.js';
import { handler } from './scan-target.js';
import { resetRuntime } from './runtime.js';
import { InvalidSqsEventError } from './sqs-envelope.js';

const CONFIG = `organizationName: Test
organization: true
aws:
  includeCurrentAccount: true
  memberRole: { name: WardReadOnly, externalId: org-secret }
  accounts:
    - id: "222233334444"
      roleArn: arn:aws:iam::222233334444:role/Custom
      externalId: listed-secret
`;
const HOME = '111122223333';
const context = { invokedFunctionArn: `arn:aws:lambda:us-east-1:${HOME}:function:ward-test-scanTarget` };
const body = (target: Record<string, unknown>) => JSON.stringify({ runId: 'run-1', part: 1, target: { provider: 'aws', ...target } });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ward-target-'));
  writeFileSync(join(dir, 'ward.config.yml'), CONFIG);
  vi.stubEnv('WARD_CONFIG', join(dir, 'ward.config.yml'));
  vi.stubEnv('WARD_STORE', join(dir, 'store'));
  vi.stubEnv('WARD_SCAN_QUEUE_URL', 'none');
  vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  resetRuntime();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetRuntime();
});

describe('scanTarget event envelope', () => {
  it('refuses an event that is not an SQS batch with a clear error, scanning nothing', async () => {
    for (const event of [null, undefined, 'abc', [], { Records: 'abc' }, { Records: { 0: 'x' } }]) {
      await expect(handler(event, context)).rejects.toThrow(InvalidSqsEventError);
    }
    await expect(handler(null, context)).rejects.toThrow('Expected an SQS event {"Records"');
  });

  it('fails each malformed or forged record by itself, never the batch, and writes nothing', async () => {
    const response = await handler(
      {
        Records: [
          null,
          { body: '{}' },
          { messageId: 'no-body' },
          { messageId: 'not-json', body: 'abc' },
          { messageId: 'traversal', body: body({ account: 'a/..%2f..%2fb' }) },
          { messageId: 'any-role', body: body({ account: '333344445555', roleArn: 'arn:aws:iam::333344445555:role/Admin', externalId: 'org-secret' }) },
          { messageId: 'wrong-external-id', body: body({ account: '333344445555', roleArn: 'arn:aws:iam::333344445555:role/WardReadOnly', externalId: 'guess' }) },
          { messageId: 'listed-other-role', body: body({ account: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/WardReadOnly', externalId: 'org-secret' }) },
          { messageId: 'home-impersonated', body: body({ account: '999988887777' }) },
          { messageId: 'unconfigured-gcp', body: JSON.stringify({ runId: 'r', part: 1, target: { provider: 'gcp', account: 'my-project' } }) },
          { messageId: 'extra-key', body: JSON.stringify({ runId: 'r', part: 1, target: { provider: 'aws', account: HOME }, admin: true }) },
        ],
      },
      context,
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      'no-body',
      'not-json',
      'traversal',
      'any-role',
      'wrong-external-id',
      'listed-other-role',
      'home-impersonated',
      'unconfigured-gcp',
      'extra-key',
    ]);
    expect(readdirSync(dir)).toEqual(['ward.config.yml']);
  });
});

describe('target messages checked against the configuration', () => {
  const config = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ward-cfg-')), 'ward.config.yml');
    writeFileSync(path, CONFIG);
    return loadConfig(path, false, CONTROL_IDS);
  };
  const message = (target: Record<string, unknown>) => parseTrustedShape(body(target));

  it('uses the role Ward derives itself: listed accounts their configured role, members the member role, its own account no role', () => {
    const settings = config();
    expect(trustedTarget(message({ account: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/Custom', externalId: 'listed-secret', name: 'prod' }), settings, HOME)).toEqual({
      provider: 'aws',
      account: '222233334444',
      roleArn: 'arn:aws:iam::222233334444:role/Custom',
      externalId: 'listed-secret',
      name: 'prod',
    });
    expect(trustedTarget(message({ account: '333344445555', roleArn: 'arn:aws:iam::333344445555:role/WardReadOnly', externalId: 'org-secret' }), settings, HOME)).toMatchObject({
      roleArn: 'arn:aws:iam::333344445555:role/WardReadOnly',
    });
    expect(trustedTarget(message({ account: HOME }), settings, HOME)).toEqual({ provider: 'aws', account: HOME });
  });

  it('refuses ids of the wrong shape for every provider', () => {
    for (const [provider, account] of [
      ['aws', 'a/..%2f..%2fb'],
      ['aws', '1234'],
      ['gcp', '../x'],
      ['azure', 'not-a-guid'],
    ] as const) {
      expect(() => parseTrustedShape(JSON.stringify({ runId: 'r', part: 1, target: { provider, account } })), `${provider} ${account}`).toThrow(UntrustedTargetError);
    }
    expect(parseTrustedShape(JSON.stringify({ runId: 'r', part: 1, target: { provider: 'azure', account: '00000000-0000-0000-0000-000000000000' } })).target.account).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('refuses an AWS account outside the configuration when organization is off', () => {
    const settings = { ...config(), organization: false };
    expect(() => trustedTarget(message({ account: '333344445555', roleArn: 'arn:aws:iam::333344445555:role/WardReadOnly', externalId: 'org-secret' }), settings, HOME)).toThrow(
      'neither listed, nor Ward’s own account',
    );
  });
});
