import { describe, expect, it } from 'vitest';
import { setting, withAccount } from './runtime.js';

describe('withAccount', () => {
  const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ward-prod-scan' };
  it('fills the account id from the function ARN', () => {
    expect(withAccount('s3://ward-prod-{accountId}-eu-west-1/ward', context)).toBe('s3://ward-prod-123456789012-eu-west-1/ward');
    expect(withAccount('s3://fixed/ward', undefined)).toBe('s3://fixed/ward');
  });
  it('says what to do when there is no function ARN to read it from', () => {
    expect(() => withAccount('s3://ward-{accountId}/x', undefined)).toThrow('set the variable to a full value when running outside Lambda');
  });
});

describe('setting', () => {
  it('treats unset, empty and "none" as off', () => {
    for (const value of [undefined, '', 'none']) {
      if (value === undefined) delete process.env['WARD_TEST_SETTING'];
      else process.env['WARD_TEST_SETTING'] = value;
      expect(setting('WARD_TEST_SETTING', undefined)).toBeUndefined();
    }
    process.env['WARD_TEST_SETTING'] = 'https://sqs.eu-west-1.amazonaws.com/{accountId}/q';
    expect(setting('WARD_TEST_SETTING', { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' })).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/q');
  });

  it('names the variable whose {accountId} cannot be filled, and the override that fixes it', () => {
    process.env['WARD_TEST_SETTING'] = 's3://ward-dev-{accountId}-us-east-1/ward';
    expect(() => setting('WARD_TEST_SETTING', undefined)).toThrow(
      'WARD_TEST_SETTING=s3://ward-dev-{accountId}-us-east-1/ward needs the account id, which comes from the function ARN; set WARD_TEST_SETTING to a full value when running outside Lambda (sls invoke local: -e WARD_TEST_SETTING=s3://ward-dev-123456789012-us-east-1/ward',
    );
    delete process.env['WARD_TEST_SETTING'];
  });
});
