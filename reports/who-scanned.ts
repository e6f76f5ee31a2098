// "Who scanned", in words shared by the terminal summary and the weekly PDF: where Ward ran, and the
// identity each cloud was read as (grouped, so 1,000 accounts read by one role are one line).

import type { ReadIdentity, ScanDocument, ScanRunner } from '../core/model.js';

export function runnerText(r: ScanRunner | undefined): string {
  if (r === undefined) return 'where: not recorded by this scan';
  if (r.kind === 'lambda') return `in AWS Lambda ${r.function ?? ''}`.trim();
  return `on host ${r.host ?? 'unknown'}${r.user === undefined ? '' : ` as ${r.user}`}`;
}

export function readAsText(identity: ReadIdentity | undefined): string {
  return identity === undefined ? 'Read as: not recorded by this scan' : `Read as ${identity.principal}, via ${identity.via}`;
}

export interface ReadAsGroup {
  provider: string;
  identity: ReadIdentity | undefined;
  accounts: string[];
}

/** The scan's targets grouped by the identity they were read as, in the order they first appear. */
export function readAsGroups(scan: Pick<ScanDocument, 'targets'>): ReadAsGroup[] {
  const groups = new Map<string, ReadAsGroup>();
  for (const t of scan.targets) {
    const key = JSON.stringify([t.provider, t.identity?.principal ?? null, t.identity?.via ?? null]);
    const group = groups.get(key) ?? { provider: t.provider, identity: t.identity, accounts: [] };
    group.accounts.push(t.account);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Lines for a terminal: one per identity, with up to three of the accounts it read. */
export function readAsLines(scan: Pick<ScanDocument, 'targets' | 'runner'>, maxGroups = 8): string[] {
  const groups = readAsGroups(scan);
  const lines = [`Ran ${runnerText(scan.runner)}.`];
  for (const g of groups.slice(0, maxGroups)) {
    const shown = g.accounts.slice(0, 3).join(', ') + (g.accounts.length > 3 ? ` and ${g.accounts.length - 3} more` : '');
    lines.push(`${g.provider} ${shown}: ${readAsText(g.identity)}`);
  }
  if (groups.length > maxGroups) lines.push(`… and ${groups.length - maxGroups} more identities (ward scan --output json gives each target's).`);
  return lines;
}
