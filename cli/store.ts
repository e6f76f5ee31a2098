import { UserError } from '../core/errors.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';

export const DEFAULT_STORE = '.ward';

/** `--store`, else WARD_STORE, else ./.ward/. */
export function openStore(flag: string | undefined): ScanStore {
  const location = flag ?? process.env['WARD_STORE'] ?? DEFAULT_STORE;
  if (location.startsWith('s3://')) {
    throw new UserError(`The S3 store (${location}) is not available in this version yet. Fix: use a local directory (--store ./.ward).`);
  }
  return new ScanStore(new LocalBlobStore(location));
}
