import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, parseScanPayload } from './payload.js';

describe('scan payload', () => {
  it('treats a scheduled event and an empty invocation as "everything configured"', () => {
    expect(parseScanPayload({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).toEqual({});
    expect(parseScanPayload({})).toEqual({});
    expect(parseScanPayload(undefined)).toEqual({});
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
