// A seeded generator of Azure subscriptions for scale: the same seed always gives the same world.
// Resources are spread over the types Ward reads; a `failureRate` share of them breaks its control.

import { activityLogExport, disk, firewallRule, flexibleServer, networkSecurityGroup, sqlServer, workspace, type RuleSpec } from './builders.js';
import type { AzureGenerator, AzureSubscriptionWorld, AzureWorldResource } from './types.js';
import { seededRandom } from '../util.js';

const LOCATIONS = ['eastus', 'eastus2', 'westus2', 'centralus', 'northeurope', 'westeurope', 'uksouth'] as const;
const KINDS = ['disk', 'disk', 'disk', 'nsg', 'nsg', 'sql', 'postgresql', 'mysql', 'workspace'] as const;


function guid(random: () => number): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function generateResources(sub: string, index: number, spec: AzureGenerator, random: () => number): AzureWorldResource[] {
  const failureRate = spec.failureRate ?? 0.1;
  const out: AzureWorldResource[] = [];
  for (let i = 0; i < spec.resourcesPerSubscription; i += 1) {
    const bad = random() < failureRate;
    const location = pick(random, LOCATIONS);
    const rg = `rg-gen-${index}-${i % 7}`;
    const name = `gen${index}x${i}`;
    const kind = pick(random, KINDS);
    switch (kind) {
      case 'disk':
        out.push(disk(sub, rg, `disk-${name}`, bad ? 'platform' : 'customer', { location }));
        break;
      case 'nsg': {
        const rules: RuleSpec[] = [{ name: 'https-in', priority: 100, ports: '443', source: 'Internet' }];
        if (bad) rules.push({ name: 'ssh-in', priority: 200, ports: '22', source: '*' });
        else rules.push({ name: 'ssh-from-vnet', priority: 200, ports: '22', source: 'VirtualNetwork' });
        out.push(networkSecurityGroup(sub, rg, `nsg-${name}`, rules, { location }));
        break;
      }
      case 'sql': {
        const server = sqlServer(sub, rg, `sql-${name}`, bad ? 'Enabled' : 'Disabled', { location });
        out.push(server);
        if (bad) out.push(firewallRule(server, 'office', '198.51.100.0', '198.51.100.255'));
        break;
      }
      case 'postgresql':
      case 'mysql':
        out.push(
          flexibleServer(kind, sub, rg, `${kind === 'postgresql' ? 'pg' : 'my'}-${name}`, bad ? { publicNetworkAccess: 'Enabled' } : { publicNetworkAccess: 'Disabled' }, { location }),
        );
        break;
      case 'workspace':
        out.push(workspace(sub, rg, `law-${name}`, bad ? 30 : 730, { location }));
        break;
    }
  }
  return out;
}

export function generateAzureSubscriptions(spec: AzureGenerator): AzureSubscriptionWorld[] {
  const random = seededRandom(spec.seed);
  const subscriptions: AzureSubscriptionWorld[] = [];
  for (let index = 0; index < spec.subscriptions; index += 1) {
    const subscriptionId = guid(random);
    const workspaceId = `/subscriptions/${subscriptionId}/resourceGroups/rg-gen-${index}-0/providers/Microsoft.OperationalInsights/workspaces/law-central`;
    subscriptions.push({
      subscriptionId,
      displayName: `generated-${String(index + 1).padStart(4, '0')}`,
      resources: generateResources(subscriptionId, index, spec, random),
      diagnosticSettings: [activityLogExport('export-activity-log', { workspaceId }, random() < (spec.failureRate ?? 0.1) ? ['Administrative'] : ['Administrative', 'Security', 'Policy', 'Alert'])],
    });
  }
  return subscriptions;
}
