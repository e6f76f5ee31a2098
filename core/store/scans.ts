// The store's layout, shared by every backend:
//   scans/<scanId>.json                 every scan document, kept as history (stored-scan.ts: each
//                                       control's shared fields once)
//   changes/<scanId>.json               change-driven scans (issue 18): partial, kept apart so that
//                                       reports, which read scans/, only ever see whole scans
//   state/<provider>/<account>.json     per account: each finding's lifecycle, the latest ERROR
//                                       results and the alerts not yet delivered
// One atomic write per account carries the lifecycle and the alerts it produced together, so a
// crash can never record a change without its alert, or an alert without its change.

import { advanceLifecycle, alertKey, withinScanScope, type LifecycleResult, type PendingAlert, type TrackedFinding } from '../lifecycle.js';
import type { Finding, Provider, ScanDocument } from '../model.js';
import type { BlobStore } from './blob.js';
import { headAndTail, parseStoredScan, type StoredScanHead, type StoredScanTail } from './stored-scan.js';
import { ScanRecording } from './scan-recording.js';

export interface AccountState {
  provider: Provider;
  account: string;
  /** The scan that last advanced this state; a second recording of it changes nothing. */
  scanId: string;
  updatedAt: string;
  tracked: TrackedFinding[];
  /** ERROR results of the latest scan: what could not be assessed. */
  errors: Finding[];
  pendingAlerts: PendingAlert[];
}

export interface RecordOutcome {
  counts: { new: number; reopened: number; resolved: number; open: number };
  /** Accounts whose state this scan did not advance (already recorded, or older than the state). */
  skipped: string[];
}

export const scanKey = (scanId: string): string => `scans/${scanId}.json`;
export const changeScanKey = (scanId: string): string => `changes/${scanId}.json`;
export const stateKey = (provider: Provider, account: string): string => `state/${provider}/${account}.json`;

export class ScanStore {
  constructor(readonly blobs: BlobStore) {}

  /**
   * Stores the scan document, then advances each scanned account's lifecycle. Recording the same
   * scan twice (a retried invocation) leaves the state and its pending alerts as the first did.
   */
  async recordScan(scan: ScanDocument): Promise<RecordOutcome> {
    return this.recordWhole(scan, scanKey(scan.scanId));
  }

  /**
   * Stores a change-driven scan (one with `partial` scopes) under changes/ and advances the lifecycle
   * of what it read, and of nothing else.
   */
  async recordChangeScan(scan: ScanDocument): Promise<RecordOutcome> {
    if (scan.partial === undefined) throw new Error(`scan ${scan.scanId} is not a change-driven scan (no partial scopes)`);
    return this.recordWhole(scan, changeScanKey(scan.scanId));
  }

  /**
   * Records a scan while it runs: add each scope's results as they are judged, then `finishRecording`.
   * Memory holds the failing and ERROR results only (all of them with `keepPassing`).
   */
  startRecording(head: StoredScanHead, keepPassing = false): ScanRecording {
    return new ScanRecording(this.blobs, scanKey(head.scanId), head, keepPassing);
  }

  /**
   * Ends the document, then advances each scanned account's lifecycle as recordScan does.
   * `queueAlerts: false` (no channel to deliver them) queues none of the changes as alerts: they
   * would be dropped unsent anyway, so that a channel configured later is not flooded.
   */
  async finishRecording(recording: ScanRecording, tail: StoredScanTail, options: { queueAlerts?: boolean } = {}): Promise<{ scan: ScanDocument; recorded: RecordOutcome }> {
    const { scan, passed } = await recording.finish(tail);
    return { scan, recorded: await this.advanceStates(scan, passed, options.queueAlerts ?? true) };
  }

  private async recordWhole(scan: ScanDocument, key: string): Promise<RecordOutcome> {
    const { head, tail } = headAndTail(scan);
    const recording = new ScanRecording(this.blobs, key, head, true);
    try {
      await recording.add(scan.results);
    } catch (error) {
      recording.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return (await this.finishRecording(recording, tail)).recorded;
  }

  private async advanceStates(scan: ScanDocument, passed: ReadonlySet<string>, queueAlerts: boolean): Promise<RecordOutcome> {
    const outcome: RecordOutcome = { counts: { new: 0, reopened: 0, resolved: 0, open: 0 }, skipped: [] };
    for (const target of scan.targets) {
      let counts: LifecycleResult['counts'] | undefined;
      await this.blobs.update(stateKey(target.provider, target.account), (text) => {
        counts = undefined;
        const previous = text === undefined ? undefined : (JSON.parse(text) as AccountState);
        if (previous !== undefined && (previous.scanId === scan.scanId || previous.updatedAt > scan.finishedAt)) return undefined;
        const result = advanceLifecycle(previous?.tracked ?? [], scan, target.provider, target.account, passed);
        counts = result.counts;
        const state: AccountState = {
          provider: target.provider,
          account: target.account,
          scanId: scan.scanId,
          updatedAt: scan.finishedAt,
          tracked: result.tracked,
          // A partial scan replaces only the errors of the scopes it read.
          errors: [
            ...(scan.partial === undefined ? [] : (previous?.errors ?? []).filter((f) => !withinScanScope(scan, f))),
            ...scan.results.filter((f) => f.status === 'ERROR' && f.provider === target.provider && f.account === target.account),
          ],
          pendingAlerts: queueAlerts ? [...(previous?.pendingAlerts ?? []), ...result.alerts] : (previous?.pendingAlerts ?? []),
        };
        return JSON.stringify(state);
      });
      if (counts === undefined) {
        outcome.skipped.push(`${target.provider}:${target.account}`);
        continue;
      }
      for (const key of Object.keys(outcome.counts) as Array<keyof RecordOutcome['counts']>) outcome.counts[key] += counts[key];
    }
    return outcome;
  }

  async loadScan(scanId: string): Promise<ScanDocument | undefined> {
    const key = scanKey(scanId);
    const text = await this.blobs.read(key);
    return text === undefined ? undefined : parseStoredScan(text, key);
  }

  async listScanIds(): Promise<string[]> {
    return (await this.blobs.list('scans/')).map((key) => key.slice('scans/'.length, -'.json'.length));
  }

  async loadState(provider: Provider, account: string): Promise<AccountState | undefined> {
    const text = await this.blobs.read(stateKey(provider, account));
    return text === undefined ? undefined : (JSON.parse(text) as AccountState);
  }

  async loadAllStates(): Promise<AccountState[]> {
    const states: AccountState[] = [];
    for (const key of await this.blobs.list('state/')) {
      const text = await this.blobs.read(key);
      if (text !== undefined) states.push(JSON.parse(text) as AccountState);
    }
    return states;
  }

  /** Every alert not yet delivered, oldest scan first. */
  async pendingAlerts(): Promise<PendingAlert[]> {
    const all = (await this.loadAllStates()).flatMap((s) => s.pendingAlerts);
    return all.sort((a, b) => a.scanId.localeCompare(b.scanId));
  }

  /** Drops delivered alerts from every state that holds them. */
  async markDelivered(delivered: readonly PendingAlert[]): Promise<void> {
    const keys = new Set(delivered.map(alertKey));
    for (const key of await this.blobs.list('state/')) {
      await this.blobs.update(key, (text) => {
        if (text === undefined) return undefined;
        const state = JSON.parse(text) as AccountState;
        const remaining = state.pendingAlerts.filter((a) => !keys.has(alertKey(a)));
        return remaining.length === state.pendingAlerts.length ? undefined : JSON.stringify({ ...state, pendingAlerts: remaining });
      });
    }
  }
}
