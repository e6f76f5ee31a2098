// Workload identity federation against the sandbox: the role session Ward's function would run as
// (AssumeRole into the sandbox's WardAuditRole, as Lambda's execution role), and the external-account
// files `gcloud iam workload-identity-pools create-cred-config --aws` would write, pointed at the
// sandbox's Google STS and IAM Credentials endpoints.

import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PROJECT_NUMBER } from '../../sandbox/gcp/demo.js';
import type { GcpFederationOptions } from '../../sandbox/gcp/federation.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../sandbox/env.js';
import { demoGcpWorld } from '../../sandbox/gcp/demo.js';
import { azureDemoWorld, DEMO_TENANT_ID } from '../../sandbox/azure/demo.js';
import type { EntraOptions } from '../../sandbox/azure/entra.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { demoWorldPath, loadWorld } from '../../sandbox/world.js';

export const WIF_AUDIENCE = `//iam.googleapis.com/projects/${DEMO_PROJECT_NUMBER}/locations/global/workloadIdentityPools/ward/providers/aws`;
export const WIF_SERVICE_ACCOUNT = 'ward-reader@ward-demo-ehr.iam.gserviceaccount.com';
export const SCAN_ROLE = 'WardAuditRole';

export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>`: what the attribute condition names. */
  roleArn: string;
}

/** AssumeRole into the current account's WardAuditRole with the sandbox's long-term key. */
export async function assumeScanRole(sandboxUrl: string): Promise<RoleSession> {
  const sts = new STSClient({ endpoint: sandboxUrl, region: 'us-east-1', credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY } });
  try {
    const account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${SCAN_ROLE}`, RoleSessionName: 'ward-scanTarget', ExternalId: 'larkspur-ward-7f3a9c' }),
    );
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, roleArn: `arn:aws:sts::${account}:assumed-role/${SCAN_ROLE}` };
  } finally {
    sts.destroy();
  }
}

export function federationOptions(roleArn: string): GcpFederationOptions {
  return { audience: WIF_AUDIENCE, allowedRoles: [roleArn], serviceAccounts: [WIF_SERVICE_ACCOUNT] };
}

/** Writes an external-account file (AWS credential source) and returns its path. */
export function writeExternalAccountFile(dir: string, name: string, sandboxUrl: string, options: { audience?: string; serviceAccount?: string | null } = {}): string {
  const serviceAccount = options.serviceAccount === undefined ? WIF_SERVICE_ACCOUNT : options.serviceAccount;
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify(
      {
        universe_domain: 'googleapis.com',
        type: 'external_account',
        audience: options.audience ?? WIF_AUDIENCE,
        subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
        token_url: `${sandboxUrl}/v1/token`,
        ...(serviceAccount === null ? {} : { service_account_impersonation_url: `${sandboxUrl}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken` }),
        credential_source: {
          environment_id: 'aws1',
          region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
          url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
          regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
        },
      },
      null,
      2,
    ),
  );
  return file;
}

/**
 * The demo world (AWS and the GCP project) with Google federation trusting the scan role, and a
 * session of that role. The role ARN is only known once a sandbox runs; a first one tells it (same
 * world, same ids).
 */
export async function startFederatedSandbox(): Promise<{ sandbox: Sandbox; session: RoleSession }> {
  const world = { ...loadWorld(demoWorldPath()), gcp: demoGcpWorld() };
  const probe = await startSandbox({ world, port: 0 });
  const roleArn = await assumeScanRole(probe.url).then((s) => s.roleArn, async (error: unknown) => {
    await probe.close();
    throw error;
  });
  await probe.close();
  const sandbox = await startSandbox({ world, port: 0, gcpFederation: federationOptions(roleArn) });
  return { sandbox, session: await assumeScanRole(sandbox.url) };
}

/** The app registration Ward signs in as in the Azure federation tests. */
export const ENTRA_CLIENT_ID = '5d0c7a3e-2f41-4b6e-9a8d-1c2b3e4f5a60';

/**
 * The demo world (AWS and the Azure subscription) with Entra served over https (a throwaway
 * certificate) and an app registration whose federated credential trusts the current account's
 * issuer and its WardAuditRole; the options object is returned so a test can change the credential.
 */
export async function startAzureFederatedSandbox(tls: { cert: string; key: string }): Promise<{ sandbox: Sandbox; session: RoleSession; entra: EntraOptions; account: string }> {
  const entra: EntraOptions = { tenantId: DEMO_TENANT_ID, apps: [] };
  const sandbox = await startSandbox({ world: { ...loadWorld(demoWorldPath()), azure: azureDemoWorld() }, port: 0, tls, azureFederation: entra });
  const session = await assumeScanRole(sandbox.url).catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  const account = session.roleArn.split(':')[4] ?? '';
  entra.apps.push({ clientId: ENTRA_CLIENT_ID, federatedCredentials: [{ issuer: { awsAccount: account }, subject: `arn:aws:iam::${account}:role/${SCAN_ROLE}` }] });
  return { sandbox, session, entra, account };
}
