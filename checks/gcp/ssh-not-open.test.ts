import { describe, expect, it } from 'vitest';
import control from './ssh-not-open.js';
import { entryReachesTcpPort } from './support/firewall.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { ComputeFirewall, FirewallRecord } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(compute.googleapis.com/Firewall)';
const NET = 'https://www.googleapis.com/compute/v1/projects/p/global/networks/default';

function rule(name: string, data: ComputeFirewall): FirewallRecord {
  return {
    asset: { name: `//compute.googleapis.com/projects/p/global/firewalls/${name}`, assetType: 'compute.googleapis.com/Firewall', location: 'global' },
    data: { name, network: NET, priority: 1000, direction: 'INGRESS', ...data },
  };
}

const ssh = (ranges: string[], extra: ComputeFirewall = {}): ComputeFirewall => ({ sourceRanges: ranges, allowed: [{ IPProtocol: 'tcp', ports: ['22'] }], ...extra });
const firewalls = (items: FirewallRecord[]) => ({ firewalls: collected(API, items, 'global') });
const verdicts = (items: FirewallRecord[]) => statuses(judge(control, firewalls(items)));

describe('gcp-ssh-not-open', () => {
  it('fails an ingress allow of tcp:22 from 0.0.0.0/0 or ::/0 and passes a narrow source', () => {
    const results = judge(control, firewalls([rule('v4', ssh(['0.0.0.0/0'])), rule('v6', ssh(['::/0'])), rule('iap', ssh(['35.235.240.0/20']))]));
    expect(statuses(results)).toEqual({ v4: 'FAIL', v6: 'FAIL', iap: 'PASS' });
    expect(results[0]).toMatchObject({ region: 'global', resource: { uid: '//compute.googleapis.com/projects/p/global/firewalls/v4', type: 'compute.googleapis.com/Firewall' } });
    expect(results[0]?.message).toContain('the whole IPv4 internet to TCP 22');
    expect(results[1]?.message).toContain('the whole IPv6 internet');
    expect(results[2]?.message).toContain('only from 35.235.240.0/20');
  });

  it('reads ports the way the API writes them: a list, ranges, 22 anywhere in the list, absent = every port', () => {
    expect(
      verdicts([
        rule('range', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['20-30'] }] }),
        rule('later', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['80', '443', '22'] }] }),
        rule('allports', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp' }] }),
        rule('emptyports', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: [] }] }),
        rule('below', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['1-21', '23-65535'] }] }),
        rule('http', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }] }),
      ]),
    ).toEqual({ range: 'FAIL', later: 'FAIL', allports: 'FAIL', emptyports: 'FAIL', below: 'PASS', http: 'PASS' });
  });

  it('counts the all protocol and TCP by number, not UDP, ICMP or other protocols', () => {
    expect(
      verdicts([
        rule('all', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'all' }] }),
        rule('six', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: '6', ports: ['22'] }] }),
        rule('upper', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'TCP', ports: ['22'] }] }),
        rule('udp', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'udp', ports: ['22'] }] }),
        rule('icmp', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'icmp' }] }),
        rule('sctp', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'sctp', ports: ['22'] }] }),
        rule('gre', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: '47' }] }),
      ]),
    ).toEqual({ all: 'FAIL', six: 'FAIL', upper: 'FAIL', udp: 'PASS', icmp: 'PASS', sctp: 'PASS', gre: 'PASS' });
  });

  it('does not count disabled rules, EGRESS rules or deny rules', () => {
    const results = judge(
      control,
      firewalls([
        rule('disabled', ssh(['0.0.0.0/0'], { disabled: true })),
        rule('egress', { direction: 'EGRESS', destinationRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('deny', { sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
      ]),
    );
    expect(statuses(results)).toEqual({ disabled: 'PASS', egress: 'PASS', deny: 'PASS' });
    expect(results[0]?.message).toContain('is disabled');
    expect(results[0]?.message).toContain('would admit tcp:22 from 0.0.0.0/0');
    expect(results[1]?.message).toContain('EGRESS');
    expect(results[2]?.message).toContain('deny rule');
  });

  it('reads an absent direction as INGRESS and an absent disabled flag as enabled', () => {
    const open: FirewallRecord = { asset: { name: '//compute.googleapis.com/projects/p/global/firewalls/bare', assetType: 'compute.googleapis.com/Firewall' }, data: { name: 'bare', sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] } };
    expect(statuses(judge(control, firewalls([open])))).toEqual({ bare: 'FAIL' });
  });

  it('treats an ingress rule with no source at all as 0.0.0.0/0, and source tags or service accounts alone as internal', () => {
    const results = judge(
      control,
      firewalls([
        rule('nosource', { allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('tags', { sourceTags: ['bastion'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('accounts', { sourceServiceAccounts: ['jump@p.iam.gserviceaccount.com'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        // Ranges OR tags: the tags do not narrow the ranges.
        rule('tags-and-world', { sourceTags: ['bastion'], sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
      ]),
    );
    expect(statuses(results)).toEqual({ nosource: 'FAIL', tags: 'PASS', accounts: 'PASS', 'tags-and-world': 'FAIL' });
    expect(results[0]?.message).toContain('no source given');
    expect(results[1]?.message).toContain('instances tagged bastion');
  });

  it('adds up ranges split within a rule, and does not mistake a large range for the internet', () => {
    expect(
      verdicts([
        rule('halves', ssh(['0.0.0.0/1', '128.0.0.0/1'])),
        rule('quarters-missing-one', ssh(['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2'])),
        rule('v6-halves', ssh(['::/1', '8000::/1'])),
        rule('host-bits', ssh(['10.1.2.3/0'])),
      ]),
    ).toEqual({ halves: 'FAIL', 'quarters-missing-one': 'PASS', 'v6-halves': 'FAIL', 'host-bits': 'FAIL' });
  });

  it('adds up allow rules across rules on the same network and targets, naming the partner rule', () => {
    const results = judge(
      control,
      firewalls([
        rule('low-half', ssh(['0.0.0.0/1'], { targetTags: ['web'] })),
        rule('high-half', ssh(['128.0.0.0/1'], { targetTags: ['web'] })),
        rule('inside', ssh(['10.0.0.0/8'], { targetTags: ['web'] })),
      ]),
    );
    expect(statuses(results)).toEqual({ 'low-half': 'FAIL', 'high-half': 'FAIL', inside: 'PASS' });
    expect(results[0]?.message).toContain('Together with rule(s) high-half (128.0.0.0/1)');
    expect(results[0]?.evidence).toHaveLength(2);
  });

  it('pools a rule for every instance with a tagged rule, but not rules on other networks or other targets', () => {
    const other = 'https://www.googleapis.com/compute/v1/projects/p/global/networks/other';
    expect(
      verdicts([
        rule('everyone-low', ssh(['0.0.0.0/1'])),
        rule('web-high', ssh(['128.0.0.0/1'], { targetTags: ['web'] })),
        rule('db-low', ssh(['0.0.0.0/1'], { targetTags: ['db'], network: other })),
        rule('api-high', ssh(['128.0.0.0/1'], { targetServiceAccounts: ['api@p.iam.gserviceaccount.com'], network: other })),
      ]),
    ).toEqual({ 'everyone-low': 'FAIL', 'web-high': 'FAIL', 'db-low': 'PASS', 'api-high': 'PASS' });
  });

  it('blames only the rule that opens SSH alone, not redundant narrower rules beside it', () => {
    expect(verdicts([rule('internal', { sourceRanges: ['10.0.0.0/8'], allowed: [{ IPProtocol: 'all' }] }), rule('bastion', ssh(['0.0.0.0/0'], { targetTags: ['bastion'] }))])).toEqual({
      internal: 'PASS',
      bastion: 'FAIL',
    });
  });

  it('lets a deny rule of the same or higher precedence take the internet away, but not a lower-precedence or narrower one', () => {
    const results = judge(
      control,
      firewalls([
        rule('deny-100', { priority: 100, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('allow-1000', ssh(['0.0.0.0/0'], { priority: 1000 })),
        rule('allow-50', ssh(['0.0.0.0/0'], { priority: 50 })),
      ]),
    );
    expect(statuses(results)).toEqual({ 'deny-100': 'PASS', 'allow-1000': 'PASS', 'allow-50': 'FAIL' });
    expect(results[1]?.message).toContain('deny-100 (priority 100) take precedence');

    // Equal priority: deny wins. A deny that covers IPv4 only leaves ::/0 open.
    expect(
      verdicts([
        rule('deny-v4', { priority: 1000, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'all' }] }),
        rule('allow-both', ssh(['0.0.0.0/0', '::/0'], { priority: 1000 })),
      ]),
    ).toEqual({ 'deny-v4': 'PASS', 'allow-both': 'FAIL' });

    // A deny on tagged instances does not shadow an allow on every instance; a disabled deny shadows nothing.
    expect(
      verdicts([
        rule('deny-tagged', { priority: 10, targetTags: ['db'], sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('deny-off', { priority: 10, disabled: true, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
        rule('deny-other-port', { priority: 10, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['3389'] }] }),
        rule('allow-all-instances', ssh(['0.0.0.0/0'])),
      ]),
    ).toEqual({ 'deny-tagged': 'PASS', 'deny-off': 'PASS', 'deny-other-port': 'PASS', 'allow-all-instances': 'FAIL' });

    // A deny for every instance shadows an allow for tagged ones. A deny of half the internet leaves the
    // other half, which is no longer the whole internet (as with a 0.0.0.0/1 allow): the message says so.
    const mixed = judge(
      control,
      firewalls([
        rule('deny-all', { priority: 10, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp' }] }),
        rule('allow-web', ssh(['0.0.0.0/0'], { targetTags: ['web'] })),
        rule('deny-half', { priority: 10, sourceRanges: ['0.0.0.0/1'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }], network: 'n2' }),
        rule('allow-n2', ssh(['0.0.0.0/0'], { network: 'n2' })),
        rule('allow-n2-v6', ssh(['::/0'], { network: 'n2' })),
      ]),
    );
    expect(statuses(mixed)).toEqual({ 'deny-all': 'PASS', 'allow-web': 'PASS', 'deny-half': 'PASS', 'allow-n2': 'PASS', 'allow-n2-v6': 'FAIL' });
    expect(mixed[3]?.message).toContain('for part of those sources');
  });

  it('ignores unreadable sources and ports, naming them, without failing on them', () => {
    const results = judge(control, firewalls([rule('junk', { sourceRanges: ['everywhere', '203.0.113.0/24'], allowed: [{ IPProtocol: 'tcp', ports: ['ssh', '22'] }] })]));
    expect(results[0]?.status).toBe('PASS');
    expect(results[0]?.message).toContain('"everywhere"');
    expect(results[0]?.message).toContain('"ssh"');
  });

  it('quotes the rule as evidence and yields nothing for a project without rules', () => {
    const [result] = judge(control, firewalls([rule('v4', ssh(['0.0.0.0/0']))]));
    expect(result?.evidence[0]).toMatchObject({ api: API, region: 'global', fields: { name: 'v4', sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] } });
    expect(judge(control, firewalls([]))).toEqual([]);
  });
});

describe('entryReachesTcpPort', () => {
  it('matches ports and ranges exactly, with whitespace tolerated and bad specs reported', () => {
    const malformed: string[] = [];
    expect(entryReachesTcpPort({ IPProtocol: 'tcp', ports: [' 22 '] }, 22)).toBe(true);
    expect(entryReachesTcpPort({ IPProtocol: 'tcp', ports: ['22-22'] }, 22)).toBe(true);
    expect(entryReachesTcpPort({ IPProtocol: 'tcp', ports: ['23-21'] }, 22, malformed)).toBe(false);
    expect(entryReachesTcpPort({ IPProtocol: 'tcp', ports: ['70000'] }, 22, malformed)).toBe(false);
    expect(malformed).toEqual(['23-21', '70000']);
    expect(entryReachesTcpPort({}, 22)).toBe(false);
  });
});
