import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand, paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID } from './env.js';
import { startSandbox, type Sandbox } from './server.js';
import { rejection, sandboxClients, type Credentials, type SandboxClients } from './testkit.js';
import { demoWorldPath, loadWorld } from './world.js';

const SECURITY = '503164781925';
const PRODUCTION = '284716359042';
const STAGING = '617493028513';
const ORG_TRAIL = `arn:aws:cloudtrail:us-east-1:${SECURITY}:trail/larkspur-org-trail`;

let demo: Sandbox;
let scale: Sandbox;
const opened: SandboxClients[] = [];
const sessions = new Map<string, Credentials>();

async function as(account: string, region: string): Promise<SandboxClients> {
  let credentials = sessions.get(account);
  if (credentials === undefined && account !== SECURITY) {
    const sts = sandboxClients(demo.url);
    opened.push(sts);
    const { Credentials } = await sts.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/WardAuditRole`, RoleSessionName: 'json-test', ExternalId: 'larkspur-ward-7f3a9c' }));
    credentials = { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretAccessKey ?? '', sessionToken: Credentials?.SessionToken ?? '' };
    sessions.set(account, credentials);
  }
  const clients = sandboxClients(demo.url, region, credentials);
  opened.push(clients);
  return clients;
}

/** A JSON 1.1 call without an SDK client (Organizations has none installed); the sandbox reads only the scope. */
async function jsonCall(url: string, target: string, body: object, accessKeyId = SANDBOX_ACCESS_KEY_ID): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240601/us-east-1/organizations/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  [demo, scale] = await Promise.all([
    startSandbox({ world: loadWorld(demoWorldPath()) }),
    startSandbox({ world: { generate: { seed: 3, accounts: 1, regions: ['eu-west-1'], resources: 0, perRegion: { logGroups: 12 } } } }),
  ]);
});

afterAll(async () => {
  for (const c of opened) c.destroy();
  await Promise.all([demo.close(), scale.close()]);
});

describe('CloudTrail (JSON 1.1)', () => {
  it('lists own trails, multi-region trails homed elsewhere, and the organisation trail in members', async () => {
    const security = await as(SECURITY, 'us-east-1');
    const own = await security.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    expect(own.trailList?.map((t) => [t.Name, t.HomeRegion, t.IsMultiRegionTrail, t.IsOrganizationTrail])).toEqual([
      ['larkspur-org-trail', 'us-east-1', true, true],
      ['security-audit', 'us-east-2', true, false],
    ]);
    const prodWest = await (await as(PRODUCTION, 'us-west-2')).cloudtrail.send(new DescribeTrailsCommand({}));
    expect(prodWest.trailList).toEqual([
      expect.objectContaining({ Name: 'larkspur-org-trail', TrailARN: ORG_TRAIL, HomeRegion: 'us-east-1', IsOrganizationTrail: true, HasCustomEventSelectors: true }),
    ]);
    const noShadow = await (await as(PRODUCTION, 'us-west-2')).cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    expect(noShadow.trailList).toEqual([]);
    const prodEast = await (await as(PRODUCTION, 'us-east-1')).cloudtrail.send(new DescribeTrailsCommand({}));
    expect(prodEast.trailList?.map((t) => t.Name)).toEqual(['prod-trail', 'larkspur-org-trail']);
  });

  it('GetTrailStatus: by name in the home region, by ARN for a shadow or organisation trail', async () => {
    const eu = (await as(PRODUCTION, 'eu-west-1')).cloudtrail;
    const stopped = await eu.send(new GetTrailStatusCommand({ Name: 'prod-eu-trail' }));
    expect(stopped.IsLogging).toBe(false);
    expect(stopped.StopLoggingTime).toBeInstanceOf(Date);
    const elsewhere = await rejection((await as(PRODUCTION, 'us-east-1')).cloudtrail.send(new GetTrailStatusCommand({ Name: 'prod-eu-trail' })));
    expect(elsewhere.name).toBe('TrailNotFoundException');
    expect(elsewhere.$metadata?.httpStatusCode).toBe(400);
    const org = await (await as(STAGING, 'us-east-1')).cloudtrail.send(new GetTrailStatusCommand({ Name: ORG_TRAIL }));
    expect(org.IsLogging).toBe(true);
    expect(org.LatestDeliveryTime).toBeInstanceOf(Date);
    const shadow = await (await as(SECURITY, 'us-east-1')).cloudtrail.send(new GetTrailStatusCommand({ Name: `arn:aws:cloudtrail:us-east-2:${SECURITY}:trail/security-audit` }));
    expect(shadow.IsLogging).toBe(true);
  });

  it('GetEventSelectors: basic selectors (default, write-only) or advanced ones', async () => {
    const prod = (await as(PRODUCTION, 'us-east-1')).cloudtrail;
    expect((await prod.send(new GetEventSelectorsCommand({ TrailName: 'prod-trail' }))).EventSelectors).toEqual([
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    const org = await prod.send(new GetEventSelectorsCommand({ TrailName: ORG_TRAIL }));
    expect(org.TrailARN).toBe(ORG_TRAIL);
    expect(org.EventSelectors?.[0]?.ReadWriteType).toBe('WriteOnly');
    const staging = await (await as(STAGING, 'us-west-2')).cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'staging-trail' }));
    expect(staging.EventSelectors).toBeUndefined();
    expect(staging.AdvancedEventSelectors).toEqual([{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]);
  });
});

describe('CloudWatch Logs (JSON 1.1)', () => {
  it('DescribeLogGroups: name order, arn with :*, and no retentionInDays for never-expire', async () => {
    const { logGroups } = await (await as(PRODUCTION, 'us-east-1')).logs.send(new DescribeLogGroupsCommand({}));
    expect(logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/cloudtrail/prod-trail', '/aws/lambda/claims-ingest', '/aws/rds/instance/analytics-replica/postgresql', '/ecs/patient-portal']);
    const forever = logGroups?.find((g) => g.logGroupName === '/aws/rds/instance/analytics-replica/postgresql');
    expect(forever?.retentionInDays).toBeUndefined();
    expect(forever?.arn).toBe(`arn:aws:logs:us-east-1:${PRODUCTION}:log-group:/aws/rds/instance/analytics-replica/postgresql:*`);
    expect(logGroups?.find((g) => g.logGroupName === '/ecs/patient-portal')?.retentionInDays).toBe(30);
  });

  it('paginates with nextToken past the first page and rejects a limit above 50', async () => {
    const clients = sandboxClients(scale.url, 'eu-west-1');
    opened.push(clients);
    const sizes: number[] = [];
    for await (const page of paginateDescribeLogGroups({ client: clients.logs, pageSize: 5 }, {})) sizes.push(page.logGroups?.length ?? 0);
    expect(sizes).toEqual([5, 5, 2]);
    const prefixed = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/generated/app-000' }));
    expect(prefixed.logGroups).toHaveLength(9);
    const big = await rejection(clients.logs.send(new DescribeLogGroupsCommand({ limit: 51 })));
    expect(big.name).toBe('InvalidParameterException');
  });
});

describe('Organizations (JSON 1.1)', () => {
  it('ListAccounts pages through the organisation from the management account', async () => {
    const first = await jsonCall(demo.url, 'AWSOrganizationsV20161128.ListAccounts', { MaxResults: 2 });
    expect(first.status).toBe(200);
    const accounts = first.json['Accounts'] as Array<Record<string, unknown>>;
    expect(accounts.map((a) => [a['Id'], a['Name'], a['Status']])).toEqual([
      [SECURITY, 'security', 'ACTIVE'],
      [PRODUCTION, 'production', 'ACTIVE'],
    ]);
    expect(accounts[1]?.['Arn']).toBe(`arn:aws:organizations::${SECURITY}:account/o-l4rk5pur7x/${PRODUCTION}`);
    expect(typeof accounts[1]?.['JoinedTimestamp']).toBe('number');
    const second = await jsonCall(demo.url, 'AWSOrganizationsV20161128.ListAccounts', { MaxResults: 2, NextToken: first.json['NextToken'] });
    expect((second.json['Accounts'] as Array<Record<string, unknown>>).map((a) => a['Id'])).toEqual([STAGING]);
    expect(second.json['NextToken']).toBeUndefined();
  });

  it('answers AccessDeniedException to a member account', async () => {
    await as(PRODUCTION, 'us-east-1');
    const denied = await jsonCall(demo.url, 'AWSOrganizationsV20161128.ListAccounts', {}, sessions.get(PRODUCTION)?.accessKeyId);
    expect(denied.status).toBe(400);
    expect(denied.json['__type']).toBe('AccessDeniedException');
  });
});
