// Exactly-once announcements. Before a sender puts an alert in a message it claims it: one
// conditional write per account state marks the alert with the sender's token. A concurrent sender
// sees the mark and leaves the alert alone. After Slack's 2xx the sender drops its alerts; after a
// failure it clears its marks, so the next run carries them. A mark older than the lease belongs to
// a sender that died; the alert may then be claimed again — the one window in which a message can
// repeat (the dead sender may have posted before dying).

import { alertKey, type PendingAlert } from '../lifecycle.js';
import type { BlobStore } from './blob.js';
import type { AccountState } from './scans.js';

/** Longer than any delivery takes (4 attempts × 10 s timeout + backoff ≤ 30 s each) and than a Lambda lives. */
export const DEFAULT_ALERT_LEASE_MS = 15 * 60 * 1000;

export interface ClaimOptions {
  leaseMs?: number;
  now?: () => Date;
}

function withoutClaim(alert: PendingAlert): PendingAlert {
  const { claim: _claim, ...rest } = alert;
  return rest;
}

/** Whether nobody holds an alert at `at`: never claimed, or its holder's lease ran out. */
const unheldAt =
  (at: Date, leaseMs: number) =>
  (a: PendingAlert): boolean =>
    a.claim === undefined || Date.parse(a.claim.at) + leaseMs <= at.getTime();

/**
 * With no channel configured: drops every alert nobody holds, in one write per account state
 * (claiming then settling them as delivered would read and write each state twice). Returns how many.
 */
export async function dropUnheldAlerts(blobs: BlobStore, stateKeys: readonly string[], options: ClaimOptions = {}): Promise<number> {
  const leaseMs = options.leaseMs ?? DEFAULT_ALERT_LEASE_MS;
  const now = options.now ?? (() => new Date());
  let dropped = 0;
  for (const key of stateKeys) {
    let mine = 0;
    await blobs.update(key, (text) => {
      mine = 0;
      if (text === undefined) return undefined;
      const state = JSON.parse(text) as AccountState;
      const free = unheldAt(now(), leaseMs);
      const kept = state.pendingAlerts.filter((a) => !free(a));
      mine = state.pendingAlerts.length - kept.length;
      return mine === 0 ? undefined : JSON.stringify({ ...state, pendingAlerts: kept });
    });
    dropped += mine;
  }
  return dropped;
}

/**
 * Claims every alert in the given account states that nobody holds (or whose holder's lease ran
 * out). Returns the claimed alerts (without their marks) and the state keys that hold them.
 */
export async function claimAlerts(blobs: BlobStore, stateKeys: readonly string[], token: string, options: ClaimOptions = {}): Promise<{ alerts: PendingAlert[]; keys: string[] }> {
  const leaseMs = options.leaseMs ?? DEFAULT_ALERT_LEASE_MS;
  const now = options.now ?? (() => new Date());
  const alerts: PendingAlert[] = [];
  const keys: string[] = [];
  for (const key of stateKeys) {
    let mine: PendingAlert[] = [];
    await blobs.update(key, (text) => {
      mine = [];
      if (text === undefined) return undefined;
      const state = JSON.parse(text) as AccountState;
      const at = now();
      const free = unheldAt(at, leaseMs);
      if (!state.pendingAlerts.some(free)) return undefined;
      const pendingAlerts = state.pendingAlerts.map((a) => {
        if (!free(a)) return a;
        mine.push(withoutClaim(a));
        return { ...a, claim: { token, at: at.toISOString() } };
      });
      return JSON.stringify({ ...state, pendingAlerts });
    });
    if (mine.length > 0) {
      alerts.push(...mine);
      keys.push(key);
    }
  }
  return { alerts: alerts.sort((a, b) => a.scanId.localeCompare(b.scanId)), keys };
}

/**
 * Ends a claim: `delivered` drops the token's alerts (announced), `released` clears its marks so a
 * later sender announces them. A mark that another sender took over in the meantime is left alone.
 */
export async function settleAlerts(blobs: BlobStore, stateKeys: readonly string[], token: string, outcome: 'delivered' | 'released'): Promise<void> {
  for (const key of stateKeys) {
    await blobs.update(key, (text) => {
      if (text === undefined) return undefined;
      const state = JSON.parse(text) as AccountState;
      const held = (a: PendingAlert): boolean => a.claim?.token === token;
      if (!state.pendingAlerts.some(held)) return undefined;
      const pendingAlerts = outcome === 'delivered' ? state.pendingAlerts.filter((a) => !held(a)) : state.pendingAlerts.map((a) => (held(a) ? withoutClaim(a) : a));
      return JSON.stringify({ ...state, pendingAlerts });
    });
  }
}

/** Keys of alerts, for tests and logs. */
export const alertKeys = (alerts: readonly PendingAlert[]): string[] => alerts.map(alertKey);
