import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, parseScanPayload } from './payload.js';

/** EventBridge's documented scheduled event. */
const SCHEDULED = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2015-10-08T16:53:06Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule'],
  detail: {},
};

describe('scan payload', () => {
  it('treats a scheduled event and an empty invocation as "everything configured"', () => {
    expect(parseScanPayload(SCHEDULED)).toEqual({});
    expect(parseScanPayload({})).toEqual({});
    expect(parseScanPayload(undefined)).toEqual({});
  });

  it('does not take anything merely resembling the schedule for it: no filter bypass', () => {
    const lookalikes: unknown[] = [
      [],
      ['aws'],
      { 'detail-type': 'x', accounts: ['only-this'] },
      { source: 'aws.events', providers: ['aws'] },
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
      { ...SCHEDULED, detail: { accounts: ['x'] } },
      { ...SCHEDULED, accounts: ['x'] },
      { ...SCHEDULED, source: 'my.app' },
    ];
    for (const payload of lookalikes) expect(() => parseScanPayload(payload), JSON.stringify(payload)).toThrow(InvalidPayloadError);
  });

  it('accepts providers, accounts and regions; "all" means every provider', () => {
    expect(parseScanPayload({ providers: ['aws'], accounts: ['production'], regions: ['eu-west-1'] })).toEqual({
      providers: ['aws'],
      accounts: ['production'],
      regions: ['eu-west-1'],
    });
    expect(parseScanPayload({ providers: ['all'] })).toEqual({});
  });

  it('rejects a bad payload with every problem named and the expected shape', () => {
    const error = (() => {
      try {
        parseScanPayload({ providers: ['oracle'], regions: ['EU'], acounts: ['x'] });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error?.message).toContain('nothing was scanned or written');
    expect(error?.message).toContain('payload: must NOT have additional properties "acounts"');
    expect(error?.message).toContain('payload.providers[0]: must be equal to one of the allowed values');
    expect(error?.message).toContain('payload.regions[0]: must match pattern');
    expect(() => parseScanPayload('scan everything')).toThrow(InvalidPayloadError);
  });
});
