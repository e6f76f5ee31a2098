// A throwaway TLS certificate for a local https endpoint (the sandbox's Entra authority: MSAL accepts
// only https). Made by the openssl CLI (installed by .ci/run) at test time; a child process trusts
// it through NODE_EXTRA_CA_CERTS, this process by passing it as `ca`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  cert: string;
  key: string;
  /** The certificate's file: the value for NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

/** A self-signed P-256 certificate for 127.0.0.1 and localhost, valid for a day. */
export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ward-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=ward-sandbox', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}
