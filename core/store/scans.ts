// The store's layout, shared by every backend:
//   scans/<scanId>.json                 every scan document, kept as history
//   state/<provider>/<account>.json     the latest findings per account, and which scan they came from

import type { Finding, Provider, ScanDocument } from '../model.js';
import type { BlobStore } from './blob.js';

export interface AccountState {
  provider: Provider;
  account: string;
  scanId: string;
  updatedAt: string;
  findings: Finding[];
}

export const scanKey = (scanId: string): string => `scans/${scanId}.json`;
export const stateKey = (provider: Provider, account: string): string => `state/${provider}/${account}.json`;

export class ScanStore {
  constructor(readonly blobs: BlobStore) {}

  /** The scan document first, then each account's state, so no state names a scan that is not stored. */
  async saveScan(scan: ScanDocument): Promise<void> {
    await this.blobs.write(scanKey(scan.scanId), JSON.stringify(scan));
    for (const target of scan.targets) {
      const state: AccountState = {
        provider: target.provider,
        account: target.account,
        scanId: scan.scanId,
        updatedAt: scan.finishedAt,
        findings: scan.results.filter((f) => f.provider === target.provider && f.account === target.account),
      };
      await this.blobs.write(stateKey(target.provider, target.account), JSON.stringify(state));
    }
  }

  async loadScan(scanId: string): Promise<ScanDocument | undefined> {
    const text = await this.blobs.read(scanKey(scanId));
    return text === undefined ? undefined : (JSON.parse(text) as ScanDocument);
  }

  async listScanIds(): Promise<string[]> {
    return (await this.blobs.list('scans/')).map((key) => key.slice('scans/'.length, -'.json'.length));
  }

  async loadState(provider: Provider, account: string): Promise<AccountState | undefined> {
    const text = await this.blobs.read(stateKey(provider, account));
    return text === undefined ? undefined : (JSON.parse(text) as AccountState);
  }
}
