import { bearerTokenAuthenticationPolicyName, createHttpHeaders, RestError, type HttpClient } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARM_ENDPOINT, PLACEHOLDER_TOKEN, createResourceClient, createSubscriptionClient, resolveAzureSettings } from './clients.js';
import { ArmError, describeAzureFailure, MISSING_CREDENTIALS_MESSAGE } from './errors.js';

const credential = { getToken: async () => ({ token: 'real', expiresOnTimestamp: Date.now() + 60_000 }) };
/** An HTTP client that answers every request with an empty subscription and records where it went. */
function recordingHttpClient(): HttpClient & { urls: string[]; authorizations: Array<string | undefined> } {
  const urls: string[] = [];
  const authorizations: Array<string | undefined> = [];
  return {
    urls,
    authorizations,
    async sendRequest(request) {
      urls.push(request.url);
      authorizations.push(request.headers.get('authorization'));
      return { request, status: 200, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: '{"subscriptionId":"sub"}' };
    },
  };
}
const policyNames = (client: { pipeline: { getOrderedPolicies(): Array<{ name: string }> } }) => client.pipeline.getOrderedPolicies().map((p) => p.name);

describe('Azure client settings', () => {
  const previous = process.env['WARD_AZURE_ENDPOINT'];
  afterEach(() => {
    if (previous === undefined) delete process.env['WARD_AZURE_ENDPOINT'];
    else process.env['WARD_AZURE_ENDPOINT'] = previous;
  });

  it('uses the public cloud with the given credential and the SDK bearer policy by default', async () => {
    delete process.env['WARD_AZURE_ENDPOINT'];
    const httpClient = recordingHttpClient();
    const settings = resolveAzureSettings({ credential, httpClient });
    expect(settings).toMatchObject({ endpoint: DEFAULT_ARM_ENDPOINT, insecure: false, scope: 'https://management.azure.com/.default', credential });
    const client = createResourceClient(settings, 'sub');
    expect(policyNames(client)).toContain(bearerTokenAuthenticationPolicyName);
    expect(policyNames(client)).not.toContain('wardPlainHttpBearer');
    await createSubscriptionClient(settings).subscriptions.get('sub');
    expect(httpClient.urls[0]).toMatch(/^https:\/\/management\.azure\.com\/subscriptions\/sub\?api-version=/);
    expect(httpClient.authorizations[0]).toBe('Bearer real');
  });

  it('keeps TLS and real credentials for an https endpoint from WARD_AZURE_ENDPOINT (a sovereign cloud)', () => {
    process.env['WARD_AZURE_ENDPOINT'] = 'https://management.usgovcloudapi.net/';
    const settings = resolveAzureSettings({ credential });
    expect(settings).toMatchObject({ endpoint: 'https://management.usgovcloudapi.net', insecure: false, scope: 'https://management.usgovcloudapi.net/.default', credential });
  });

  it('swaps the bearer policy for a placeholder token over plain http, whatever credential was given', async () => {
    const httpClient = recordingHttpClient();
    const settings = resolveAzureSettings({ endpoint: 'http://127.0.0.1:4566', credential, httpClient });
    expect(settings.insecure).toBe(true);
    expect((await settings.credential.getToken(settings.scope))?.token).toBe(PLACEHOLDER_TOKEN);
    for (const client of [createResourceClient(settings, 'sub'), createSubscriptionClient(settings)]) {
      expect(policyNames(client)).not.toContain(bearerTokenAuthenticationPolicyName);
      expect(policyNames(client)).toContain('wardPlainHttpBearer');
    }
    await createSubscriptionClient(settings).subscriptions.get('sub');
    expect(httpClient.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:4566\/subscriptions\/sub\?api-version=/);
    expect(httpClient.authorizations[0]).toBe(`Bearer ${PLACEHOLDER_TOKEN}`);
  });

  it('adds the call and attempt counters only when metrics are given', () => {
    const plain = createResourceClient(resolveAzureSettings({ credential }), 'sub');
    expect(policyNames(plain)).not.toContain('wardCallCounter');
    const counted = createResourceClient(resolveAzureSettings({ credential, metrics: { calls: 0, attempts: 0, throttled: 0 } }), 'sub');
    expect(policyNames(counted)).toEqual(expect.arrayContaining(['wardCallCounter', 'wardAttemptCounter']));
  });
});

describe('Azure failure descriptions', () => {
  it('keeps ARM error codes and says how long a throttle or server error lasted', () => {
    const denied = new RestError('The client does not have authorization to perform action', { code: 'AuthorizationFailed', statusCode: 403 });
    expect(describeAzureFailure(denied, 'arm:GET Microsoft.Compute/disks', 7)).toEqual({
      api: 'arm:GET Microsoft.Compute/disks',
      code: 'AuthorizationFailed',
      reason: 'The client does not have authorization to perform action',
    });
    expect(describeAzureFailure(new ArmError('TooManyRequests', 'throttled', 429), 'x', 7).reason).toBe('still throttled after 7 attempts: throttled');
    expect(describeAzureFailure(new RestError('boom', { statusCode: 503 }), 'x', 7)).toMatchObject({ code: 'HTTP503', reason: 'server error 503 after 7 attempts: boom' });
    const missing = Object.assign(new Error('no credential\nlong details'), { name: 'AggregateAuthenticationError' });
    expect(describeAzureFailure(missing, 'x', 1)).toMatchObject({ code: 'AggregateAuthenticationError', reason: MISSING_CREDENTIALS_MESSAGE });
  });
});
