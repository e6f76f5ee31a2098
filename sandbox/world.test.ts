import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoWorldPath, expandWorld, loadWorld, parseWorld, WorldError, type World } from './world.js';

const BASE = `
version: 1
accounts:
  - id: "111122223333"
    name: one
  - id: "444455556666"
    name: two
    regions:
      eu-west-1:
        volumes:
          - id: vol-0123456789abcdef0
            encrypted: yes
`;

function problem(text: string, fileName = 'world.yml'): string {
  try {
    parseWorld(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(WorldError);
    return (error as Error).message;
  }
  throw new Error('expected the world to be rejected');
}

describe('world files', () => {
  it('loads the bundled demo world', () => {
    const world = loadWorld(demoWorldPath());
    expect(world.accounts?.map((a) => a.name)).toEqual(['security', 'production', 'staging']);
    expect(world.regions?.['ap-east-1']).toBe('not-opted-in');
  });

  it('names the file, the path inside it and what was found', () => {
    const message = problem(BASE);
    expect(message).toContain('world.yml: accounts[1].regions.eu-west-1.volumes[0].encrypted: expected boolean, found string "yes"');
    expect(message).toMatch(/\(line 12\)$/);
  });

  it('explains unquoted account ids, unknown fields and missing fields', () => {
    expect(problem('accounts:\n  - id: 111122223333\n', 'w.yml')).toContain('w.yml: accounts[0].id: expected a 12-digit AWS account id, quoted so YAML keeps it a string, found number 111122223333 (quote account ids in YAML)');
    expect(problem('accounts:\n  - id: "111122223333"\n    regions:\n      us-east-1:\n        volume: []\n')).toContain('world.yml: accounts[0].regions.us-east-1.volume: unknown field "volume"; expected one of: optInStatus,');
    expect(problem('accounts:\n  - id: "111122223333"\n    regions:\n      us-east-1:\n        volumes: [{ size: 8 }]\n')).toContain(
      'accounts[0].regions.us-east-1.volumes[0].encrypted: missing required field "encrypted"',
    );
    expect(problem('accounts:\n  - id: "111122223333"\n    regions:\n      useast1: {}\n')).toContain('accounts[0].regions.useast1: expected a region name such as eu-west-1, found "useast1"');
    expect(problem('accounts:\n  - id: "111122223333"\n    regions:\n      us-east-1:\n        logGroups: [{ name: /x, retentionInDays: 10 }]\n')).toContain(
      'accounts[0].regions.us-east-1.logGroups[0].retentionInDays: expected a retention CloudWatch Logs accepts (omit it for never expire): one of 1, 3, 5,',
    );
  });

  it('reports references that do not resolve and duplicates, with their paths', () => {
    const message = problem(`
organizations:
  - { id: o-abcdefghij, managementAccount: "999999999999" }
accounts:
  - id: "111122223333"
    regions:
      us-east-1:
        networkInterfaces: [{ groups: [sg-0000000000000000f] }]
        dbInstances: [{ id: db1, engine: postgres, cluster: nope }]
        trails: [{ name: org-trail, organization: true }]
        prefixLists: [{ name: office, entries: [203.0.113.0/24] }, { name: office }]
  - id: "111122223333"
faults:
  - { kind: throttle, account: nobody }
`);
    expect(message).toContain('world.yml: organizations[0].managementAccount: expected an account defined under accounts, found "999999999999"');
    expect(message).toContain('accounts[0].regions.us-east-1.networkInterfaces[0].groups[0]: expected a security group (id or name) of this account and region, found "sg-0000000000000000f"');
    expect(message).toContain('accounts[0].regions.us-east-1.dbInstances[0].cluster: expected a DB cluster of this account and region, found "nope"');
    expect(message).toContain("accounts[0].regions.us-east-1.trails[0].organization: an organisation trail can only be created in an organisation's management account");
    expect(message).toContain('accounts[1].id: account 111122223333 is already defined at accounts[0]');
    expect(message).toContain('accounts[0].regions.us-east-1.prefixLists[1].name: prefix list name "office" is already defined at accounts[0].regions.us-east-1.prefixLists[0]');
    expect(problem('accounts:\n  - id: "111122223333"\n    regions:\n      us-east-1:\n        prefixLists: [{ name: v6, entries: [not-a-cidr] }]\n')).toContain(
      'accounts[0].regions.us-east-1.prefixLists[0].entries[0]: expected an IPv4 or IPv6 CIDR such as 0.0.0.0/0',
    );
    expect(message).toContain('faults[0].account: expected an account id or name of this world, found "nobody"');
  });

  it('reports YAML syntax errors with their line, and unreadable files by name', () => {
    expect(problem('accounts:\n  - id: "1\n')).toMatch(/^world\.yml: \(top level\): YAML syntax error: .* \(line \d+\)/);
    const dir = mkdtempSync(join(tmpdir(), 'ward-world-'));
    expect(() => loadWorld(join(dir, 'missing.yml'))).toThrow(/missing\.yml: \(top level\): cannot read the file/);
    writeFileSync(join(dir, 'bad.yml'), 'accounts:\n  - id: "123"\n');
    expect(() => loadWorld(join(dir, 'bad.yml'))).toThrow(/bad\.yml: accounts\[0\]\.id: expected a 12-digit AWS account id/);
  });

  it('accepts the reserved gcp and azure sections', () => {
    const world = parseWorld('gcp: { projects: [] }\nazure: { subscriptions: [] }\n', 'w.yml');
    expect(world.gcp).toEqual({ projects: [] });
  });

  it('expands generators deterministically, once', () => {
    const world: World = { generate: { seed: 7, accounts: 3, regions: 2, disabledRegions: ['ap-east-1'], resources: 4, failureRate: 0.5, role: { externalId: 'ext-1234' } } };
    const a = expandWorld(world);
    const b = expandWorld(world);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(expandWorld(a)).toBe(a);
    expect(a.generate).toBeUndefined();
    expect(a.accounts).toHaveLength(3);
    expect(a.accounts?.[0]?.current).toBe(true);
    expect(a.organizations?.[0]?.managementAccount).toBe(a.accounts?.[0]?.id);
    expect(a.regions).toEqual({ 'us-east-1': 'opt-in-not-required', 'us-east-2': 'opt-in-not-required', 'ap-east-1': 'not-opted-in' });
    const region = a.accounts?.[1]?.regions?.['us-east-2'];
    expect(region?.volumes).toHaveLength(4);
    expect(region?.securityGroups).toHaveLength(4);
    expect(a.accounts?.[2]?.roles).toEqual([{ name: 'WardAuditRole', externalId: 'ext-1234' }]);
    expect(JSON.stringify(expandWorld({ generate: { seed: 8, accounts: 3, regions: 2 } }))).not.toBe(JSON.stringify(a));
  });
});
