import { describe, expect, it } from 'vitest';
import control from './user-mfa.js';
import { ACCOUNT, collected, judge } from '../../test/support/checks.js';
import type { SubscriptionRecord } from '../../providers/azure/datasets.js';

const subscription = (items: SubscriptionRecord[]) => ({ subscription: collected('arm:GET subscription', items, 'global') });

describe('azure-user-mfa', () => {
  it('is NOT_ASSESSABLE once per subscription, saying MFA lives in Entra ID and where to check it', () => {
    const results = judge(control, subscription([{ subscriptionId: ACCOUNT, displayName: 'ward-demo-clinic', tenantId: 'tenant-1', state: 'Enabled' }]));
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result?.status).toBe('NOT_ASSESSABLE');
    expect(result?.message).toContain('Microsoft Entra admin center');
    expect(result?.message).toContain('Conditional Access');
    expect(result?.message).toContain('security defaults');
    expect(result?.message).toContain('Microsoft Graph');
    expect(result?.message).toContain('ward-demo-clinic');
    expect(result?.resource).toMatchObject({ id: ACCOUNT, uid: `/subscriptions/${ACCOUNT}`, type: 'Microsoft.Resources/subscriptions', name: 'ward-demo-clinic' });
    expect(result?.evidence[0]?.fields).toMatchObject({ subscriptionId: ACCOUNT, tenantId: 'tenant-1' });
  });

  it('never passes, whatever the subscription looks like', () => {
    for (const record of [{ subscriptionId: ACCOUNT }, { subscriptionId: ACCOUNT, state: 'Disabled' }, { subscriptionId: ACCOUNT, displayName: 'x', tenantId: 't' }]) {
      expect(judge(control, subscription([record])).map((r) => r.status)).toEqual(['NOT_ASSESSABLE']);
    }
  });

  it('declares a read, so an unreadable subscription becomes ERROR through the engine rather than silence', () => {
    expect(Object.keys(control.reads)).toEqual(['subscription']);
    expect(control.reads['subscription']?.actions).toEqual(['Microsoft.Resources/subscriptions/read']);
  });
});
