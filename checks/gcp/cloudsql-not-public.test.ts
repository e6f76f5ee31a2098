import { describe, expect, it } from 'vitest';
import control from './cloudsql-not-public.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { SqlInstance, SqlInstanceRecord, SqlIpConfiguration } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(sqladmin.googleapis.com/Instance)';

function instance(name: string, ip: SqlIpConfiguration | undefined, extra: SqlInstance = {}): SqlInstanceRecord {
  return {
    asset: { name: `//cloudsql.googleapis.com/projects/p/instances/${name}`, assetType: 'sqladmin.googleapis.com/Instance', location: 'us-central1' },
    data: { name, databaseVersion: 'POSTGRES_15', region: 'us-central1', state: 'RUNNABLE', ...(ip === undefined ? {} : { settings: { ipConfiguration: ip } }), ...extra },
  };
}

const instances = (items: SqlInstanceRecord[]) => ({ instances: collected(API, items, 'global') });
const net = (value: string, name?: string) => ({ value, ...(name === undefined ? {} : { name }) });

describe('gcp-cloudsql-not-public', () => {
  it('is critical for a public IP open to 0.0.0.0/0, medium for a public IP with narrow networks, and passes private-only', () => {
    const results = judge(
      control,
      instances([
        instance('open', { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/0', 'anyone')] }, { ipAddresses: [{ type: 'PRIMARY', ipAddress: '34.1.2.3' }] }),
        instance('narrow', { ipv4Enabled: true, authorizedNetworks: [net('203.0.113.0/24', 'office')] }),
        instance('private', { ipv4Enabled: false, privateNetwork: 'projects/p/global/networks/vpc' }, { ipAddresses: [{ type: 'PRIVATE', ipAddress: '10.0.0.3' }] }),
      ]),
    );
    expect(statuses(results)).toEqual({ open: 'FAIL', narrow: 'FAIL', private: 'PASS' });
    expect(results[0]).toMatchObject({ severity: 'critical', region: 'us-central1' });
    expect(results[0]?.message).toContain('34.1.2.3');
    expect(results[0]?.message).toContain('anyone (0.0.0.0/0)');
    expect(results[1]?.severity).toBe('medium');
    expect(results[1]?.message).toContain('office (203.0.113.0/24)');
    expect(results[2]?.message).toContain('private IP on projects/p/global/networks/vpc');
  });

  it('is medium for a public IP with no authorized networks (only the Auth Proxy can connect)', () => {
    const [result] = judge(control, instances([instance('proxy-only', { ipv4Enabled: true })]));
    expect(result).toMatchObject({ status: 'FAIL', severity: 'medium' });
    expect(result?.message).toContain('Cloud SQL Auth Proxy');
    expect(result?.message).toContain('no network is authorized to connect to it directly');
    expect(result?.message).not.toContain('listed networks');
  });

  it('says "not set" and "not reported", not "?", for a stopped instance missing activationPolicy or state', () => {
    const [result] = judge(control, instances([instance('halted', { ipv4Enabled: true, authorizedNetworks: [net('203.0.113.0/24', 'office')] }, { state: 'STOPPED' })]));
    expect(result?.message).toContain('only the listed networks can connect directly');
    expect(result?.message).toContain('(activationPolicy not set, state STOPPED)');
    expect(result?.message).not.toContain('?');
  });

  it('ignores authorized networks when ipv4Enabled is false, but says they should go', () => {
    const [result] = judge(control, instances([instance('leftover', { ipv4Enabled: false, authorizedNetworks: [net('0.0.0.0/0')] })]));
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('admit nothing without a public IP');
  });

  it('treats a PRIMARY address as public even when ipv4Enabled is absent (false is omitted in JSON)', () => {
    const results = judge(control, instances([instance('absent-flag', { authorizedNetworks: [net('0.0.0.0/0')] }, { ipAddresses: [{ type: 'PRIMARY', ipAddress: '35.0.0.1' }] })]));
    expect(results[0]).toMatchObject({ status: 'FAIL', severity: 'critical' });
  });

  it('passes an instance with no ipConfiguration and no addresses, and a Private Service Connect one', () => {
    const results = judge(control, instances([instance('bare', undefined), instance('psc', { ipv4Enabled: false, pscConfig: { pscEnabled: true } })]));
    expect(statuses(results)).toEqual({ bare: 'PASS', psc: 'PASS' });
    expect(results[1]?.message).toContain('Private Service Connect');
  });

  it('adds up authorized networks: 0.0.0.0/1 + 128.0.0.0/1 is the whole internet; 0.0.0.0/1 alone is not', () => {
    const results = judge(
      control,
      instances([
        instance('halves', { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/1'), net('128.0.0.0/1')] }),
        instance('half', { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/1')] }),
        instance('v6', { ipv4Enabled: true, authorizedNetworks: [net('::/0')] }),
      ]),
    );
    expect(results.map((r) => r.severity)).toEqual(['critical', 'medium', 'critical']);
    expect(results[2]?.message).toContain('IPv6');
  });

  it('reads bare addresses as single hosts and ignores malformed values, naming them', () => {
    const results = judge(control, instances([instance('mixed', { ipv4Enabled: true, authorizedNetworks: [net('198.51.100.7'), net('not-a-cidr'), net('0.0.0.0/33')] })]));
    expect(results[0]).toMatchObject({ status: 'FAIL', severity: 'medium' });
    expect(results[0]?.message).toContain('"not-a-cidr"');
    expect(results[0]?.message).toContain('"0.0.0.0/33"');
  });

  it('does not count an authorized network past its expirationTime (as of the read)', () => {
    // READ_AT in the test support is 2026-11-23T12:00:00Z.
    const results = judge(
      control,
      instances([
        instance('expired', { ipv4Enabled: true, authorizedNetworks: [{ value: '0.0.0.0/0', expirationTime: '2026-11-01T00:00:00Z' }, net('203.0.113.0/24')] }),
        instance('not-yet', { ipv4Enabled: true, authorizedNetworks: [{ value: '0.0.0.0/0', expirationTime: '2026-12-01T00:00:00Z' }] }),
      ]),
    );
    expect(results.map((r) => r.severity)).toEqual(['medium', 'critical']);
    expect(results[0]?.message).toContain('Expired authorized network(s) 0.0.0.0/0 (expired 2026-11-01T00:00:00Z) were not counted');
  });

  it('still fails a stopped public instance, saying the setting applies when it starts', () => {
    const [result] = judge(control, instances([instance('stopped', { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/0')] }, { state: 'STOPPED', settings: { activationPolicy: 'NEVER', ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/0')] } } })]));
    expect(result).toMatchObject({ status: 'FAIL', severity: 'critical' });
    expect(result?.message).toContain('not running now');
  });

  it('does not judge an on-premises source representation as a Cloud SQL database', () => {
    const [result] = judge(control, instances([instance('onprem', undefined, { instanceType: 'ON_PREMISES_INSTANCE' })]));
    expect(result?.status).toBe('NOT_ASSESSABLE');
  });

  it('quotes the exact ip configuration as evidence', () => {
    const [result] = judge(control, instances([instance('open', { ipv4Enabled: true, authorizedNetworks: [net('0.0.0.0/0')] })]));
    expect(result?.evidence[0]).toMatchObject({ api: API, fields: { 'settings.ipConfiguration.ipv4Enabled': true, 'settings.ipConfiguration.authorizedNetworks': [{ value: '0.0.0.0/0' }] } });
  });
});
