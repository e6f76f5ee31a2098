import { InvalidArgumentError, Option, type Command } from 'commander';
import { displaySafe } from '../../core/display-text.js';
import { UserError } from '../../core/errors.js';
import { withLastingLinks } from '../../app/lasting-links.js';
import { openStore } from '../../app/store.js';
import { bundleKey } from '../../reports/bundle.js';
import { generateEvidenceKey, KEYGEN_ALGORITHMS, type KeygenAlgorithm } from '../../reports/keys.js';
import { readHmacKeyFile, readPublicKey } from '../../reports/signing.js';
import { verifyBundle } from '../../reports/verify.js';
import { isoWeekOf } from '../../reports/week.js';
import { weekOption } from './report.js';

/** S3 pre-signed URLs last at most 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;
export const DEFAULT_LINK_SECONDS = 3600;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30m`, `1h`, `7d`, `90s` → seconds; at most 7 days. */
export function parseExpires(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected a duration such as 30m, 1h or 7d');
  const seconds = Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1);
  if (seconds < 1) throw new InvalidArgumentError('expected a duration of at least 1s');
  if (seconds > MAX_LINK_SECONDS) throw new InvalidArgumentError(`at most 7d (${MAX_LINK_SECONDS} s): a pre-signed S3 URL cannot last longer`);
  return seconds;
}

interface VerifyFlags {
  previous?: string;
  hmacKeyFile?: string;
  publicKey?: string;
  allowUnsigned?: boolean;
}

interface KeygenFlags {
  algorithm: KeygenAlgorithm;
  out: string;
}

function keygenAlgorithm(value: string): KeygenAlgorithm {
  const known = KEYGEN_ALGORITHMS.find((a) => a === value);
  if (known === undefined) throw new InvalidArgumentError(`expected one of ${KEYGEN_ALGORITHMS.join(', ')}`);
  return known;
}

interface UrlFlags {
  week?: string;
  expires: number;
  store?: string;
}

export function registerEvidence(program: Command, setExitCode: (code: number) => void): void {
  const evidence = program.command('evidence');

  evidence
    .command('verify')
    .description(
      'Check a bundle offline: every digest and size, no missing or extra file, SHA256SUMS, the chain to the previous week, the signature. Exit 0 valid and signature verified, 1 invalid or signature not checked, 2 could not run.',
    )
    .argument('<bundle>', 'the bundle (.zip, also one re-zipped with `zip -r`) or the folder it was unzipped into')
    .option('--previous <bundle>', "the previous week's bundle (.zip) or its manifest copy (.manifest.json), to check the chain")
    .addOption(new Option('--hmac-key-file <file>', 'HMAC-SHA256 key (base64 or hex) to check manifest.sig').conflicts('publicKey'))
    .addOption(new Option('--public-key <file>', 'PEM public key (Ed25519, EC or RSA) to check manifest.sig').conflicts('hmacKeyFile'))
    .option('--allow-unsigned', 'exit 0 when the contents are intact but no signature was checked (unsigned, or no key given)')
    .action(async (bundle: string, flags: VerifyFlags) => {
      const result = await verifyBundle(bundle, {
        ...(flags.previous === undefined ? {} : { previous: flags.previous }),
        ...(flags.hmacKeyFile === undefined ? {} : { hmacKey: readHmacKeyFile(flags.hmacKeyFile) }),
        ...(flags.publicKey === undefined ? {} : { publicKey: readPublicKey(flags.publicKey) }),
      });
      if (result.valid && result.signature === 'verified') {
        // Problems and notes quote names from the bundle: shown with control characters escaped.
        process.stdout.write([`VALID ${displaySafe(bundle)}`, ...result.notes.map((n) => `  ${displaySafe(n)}`), ''].join('\n'));
        return;
      }
      if (result.valid) {
        // Intact but not authenticated: never VALID, since files and manifest could have been rewritten together.
        const why = result.signature === 'unsigned' ? 'the bundle is not signed' : 'its signature was not checked (no key given)';
        process.stdout.write([`NOT VERIFIED ${displaySafe(bundle)}: the files match manifest.json, but ${why}`, ...result.notes.map((n) => `  ${displaySafe(n)}`), ''].join('\n'));
        if (flags.allowUnsigned !== true) setExitCode(1);
        return;
      }
      process.stdout.write(
        [...result.problems.map((p) => `FAIL ${displaySafe(p)}`), `INVALID ${displaySafe(bundle)}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`, ''].join('\n'),
      );
      setExitCode(1);
    });

  evidence
    .command('keygen')
    .description(
      'Make a local signing key pair for evidence bundles (KMS stays the deployed default): the private key (mode 0600) for `ward report --signing-key`, the public key for auditors (`ward evidence verify --public-key`, or openssl).',
    )
    .option('--algorithm <name>', `${KEYGEN_ALGORITHMS.join(' or ')}`, keygenAlgorithm, 'ed25519')
    .option('--out <prefix>', 'file name prefix: writes <prefix>.key and <prefix>.pub.pem', 'ward-evidence')
    .action((flags: KeygenFlags) => {
      const key = generateEvidenceKey(flags.algorithm, `${flags.out}.key`, `${flags.out}.pub.pem`);
      process.stdout.write(
        [
          `Signing key ${key.keyId} (${key.algorithm}):`,
          `  private  ${key.privateKeyFile} (mode 0600: keep it secret; sign with ward report --signing-key ${key.privateKeyFile})`,
          `  public   ${key.publicKeyFile} (give it to auditors: ward evidence verify <bundle> --public-key ${key.publicKeyFile})`,
          '',
        ].join('\n'),
      );
    });

  evidence
    .command('url')
    .description("Print a download link for a week's bundle: a file path with the local store; with S3, a link through the deployed download function (WARD_DOWNLOAD_URL, WARD_DOWNLOAD_LINK_KEY_ID) or else a pre-signed URL.")
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: the current week, UTC)', weekOption)
    .option('--expires <duration>', 'how long the link works, e.g. 30m, 1h, 7d (at most 7d)', parseExpires, DEFAULT_LINK_SECONDS)
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .action(async (flags: UrlFlags) => {
      const week = flags.week ?? isoWeekOf(new Date()).id;
      const store = openStore(flags.store);
      const key = bundleKey(week);
      if (!(await store.blobs.list(key)).includes(key)) {
        throw new UserError(`No bundle for ${week} in ${store.blobs.location}. Fix: run \`ward report --week ${week}\` first.`);
      }
      const downloadUrl = process.env['WARD_DOWNLOAD_URL'];
      const linkKey = process.env['WARD_DOWNLOAD_LINK_KEY_ID'];
      const onS3 = store.blobs.location.startsWith('s3://');
      if (onS3 && downloadUrl && linkKey) {
        process.stdout.write(`${await withLastingLinks(store, linkKey, () => Promise.resolve(downloadUrl)).blobs.downloadLink(key, flags.expires)}\n`);
        return;
      }
      process.stdout.write(`${await store.blobs.downloadLink(key, flags.expires)}\n`);
      if (onS3) {
        process.stderr.write(
          'ward: this pre-signed URL stops working when the credentials that signed it expire (an SSO or assumed-role session: hours), whatever --expires says. ' +
            'For a link that lasts, set WARD_DOWNLOAD_URL (the stack output DownloadLambdaFunctionUrl) and WARD_DOWNLOAD_LINK_KEY_ID=alias/ward-<stage>-download-links.\n',
        );
      }
    });
}
