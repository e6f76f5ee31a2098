// The deployed `securityHub: true` (WARD_SECURITY_HUB=true): after a scan is stored, its results go
// to Security Hub in the function's own account and region. The Security Hub code is loaded only
// when this is on. A call that fails throws, so the SQS message is retried (importing the same scan
// again updates the same records); findings Security Hub refuses are logged, since a retry would
// not change them.

import type { ScanDocument } from '../core/model.js';
import type { ScanStore } from '../core/store/scans.js';
import { log } from './runtime.js';

export function securityHubEnabled(): boolean {
  return process.env['WARD_SECURITY_HUB'] === 'true';
}

export async function exportToSecurityHub(store: ScanStore, scan: ScanDocument): Promise<'off' | 'imported'> {
  if (!securityHubEnabled()) return 'off';
  const [{ importToSecurityHub }, { lifecycleAfter }] = await Promise.all([import('../app/security-hub.js'), import('../app/scan-lifecycle.js')]);
  const outcome = await importToSecurityHub(scan, await lifecycleAfter(store, scan));
  log('securityHub.imported', { scanId: scan.scanId, region: outcome.region, imported: outcome.imported, calls: outcome.calls, failed: outcome.failed.length });
  for (const failed of outcome.failed.slice(0, 20)) log('securityHub.refused', failed);
  return 'imported';
}
