import { describe, expect, it } from 'vitest';
import { CONTROL_IDS } from '../checks/index.js';
import { FAILURE_TITLES, failureTitle } from './failure-titles.js';

describe('failure titles', () => {
  it('exist for every registered control, and for no other', () => {
    expect(Object.keys(FAILURE_TITLES).sort()).toEqual([...CONTROL_IDS].sort());
  });

  it('say the failure, with the count', () => {
    expect(failureTitle('aws-ssh-not-open', 5, '')).toBe('5 security groups admit SSH from the internet');
    expect(failureTitle('aws-ssh-not-open', 1, '')).toBe('1 security group admits SSH from the internet');
    expect(failureTitle('aws-root-mfa', 1, '')).toBe('Root user has no MFA');
    expect(failureTitle('aws-root-mfa', 3, '', 3)).toBe('Root user has no MFA in 3 accounts');
    expect(failureTitle('gcp-oslogin-2fa', 2, '', 1)).toBe('OS Login does not require 2-step verification');
    expect(failureTitle('custom-control', 2, 'Custom passes')).toBe('Custom passes (2 failing)');
  });
});
