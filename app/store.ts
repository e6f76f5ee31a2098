import { LocalBlobStore } from '../core/store/local.js';
import { DeferredBlobStore } from '../core/store/deferred.js';
import { parseS3Url, s3LocationUrl, type S3Location } from '../core/store/s3-location.js';
import { ScanStore } from '../core/store/scans.js';
import { UserError } from '../core/errors.js';

export const DEFAULT_STORE = '.ward';

function s3LocationOf(location: string): S3Location {
  try {
    return parseS3Url(location);
  } catch (error) {
    throw new UserError(`Invalid store location: ${(error as Error).message}. Fix: --store s3://<bucket>/<prefix>.`);
  }
}

/** `--store`, else WARD_STORE, else ./.ward/; `s3://bucket/prefix` selects the S3 store. */
export function openStore(flag: string | undefined): ScanStore {
  const location = flag ?? process.env['WARD_STORE'] ?? DEFAULT_STORE;
  if (!location.startsWith('s3://')) return new ScanStore(new LocalBlobStore(location));
  const where = s3LocationOf(location);
  // S3-compatible servers reached through a custom endpoint usually want path-style addressing.
  const customEndpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  const retentionDays = Number.parseInt(process.env['WARD_EVIDENCE_RETENTION_DAYS'] ?? '', 10);
  const mode = process.env['WARD_EVIDENCE_RETENTION_MODE'] === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE';
  const retention = Number.isInteger(retentionDays) && retentionDays > 0 ? { prefix: 'bundles/', days: retentionDays, mode } as const : undefined;
  return new ScanStore(
    new DeferredBlobStore(s3LocationUrl(where), async () => {
      const { S3BlobStore } = await import('../core/store/s3.js');
      return new S3BlobStore(where, customEndpoint === undefined ? {} : { forcePathStyle: true }, retention);
    }),
  );
}
