import { LocalBlobStore } from '../core/store/local.js';
import { S3BlobStore, parseS3Url } from '../core/store/s3.js';
import { ScanStore } from '../core/store/scans.js';
import { UserError } from '../core/errors.js';

export const DEFAULT_STORE = '.ward';

/** `--store`, else WARD_STORE, else ./.ward/; `s3://bucket/prefix` selects the S3 store. */
export function openStore(flag: string | undefined): ScanStore {
  const location = flag ?? process.env['WARD_STORE'] ?? DEFAULT_STORE;
  if (!location.startsWith('s3://')) return new ScanStore(new LocalBlobStore(location));
  let where;
  try {
    where = parseS3Url(location);
  } catch (error) {
    throw new UserError(`Invalid store location: ${(error as Error).message}. Fix: --store s3://<bucket>/<prefix>.`);
  }
  // S3-compatible servers reached through a custom endpoint usually want path-style addressing.
  const customEndpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  const retentionDays = Number.parseInt(process.env['WARD_EVIDENCE_RETENTION_DAYS'] ?? '', 10);
  const mode = process.env['WARD_EVIDENCE_RETENTION_MODE'] === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE';
  const retention = Number.isInteger(retentionDays) && retentionDays > 0 ? { prefix: 'bundles/', days: retentionDays, mode } as const : undefined;
  return new ScanStore(new S3BlobStore(where, customEndpoint === undefined ? {} : { forcePathStyle: true }, retention));
}
