// Package-time check of the cross-cloud sign-in parameters (serverless.yml resolves
// `${file(./deploy/federation.cjs):…}` through this function): a half-configured provider stops
// `sls package` / `sls deploy` with an error naming the parameter and the fix, instead of a stack
// whose scans of that cloud fail later. Returns the function environment and the package pattern.
// CommonJS: serverless.yml's file() loads CommonJS only (eslint.config.js: **/*.cjs).
'use strict';

const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message) {
  throw new Error(`Ward federation parameters: ${message} (README: Deploy to AWS, Google Cloud and Azure without stored secrets).`);
}

function checkGcp(file, serviceDir) {
  if (file === '') return;
  if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) fail(`gcpWorkloadIdentityConfig "${file}" must be a path inside the service directory, so it is packaged`);
  const full = path.join(serviceDir, file);
  if (!existsSync(full)) fail(`gcpWorkloadIdentityConfig names ${file}, which does not exist: create it with \`gcloud iam workload-identity-pools create-cred-config … --aws --output-file=${file}\``);
  let json;
  try {
    json = JSON.parse(readFileSync(full, 'utf8'));
  } catch {
    fail(`gcpWorkloadIdentityConfig ${file} is not JSON`);
  }
  if (json.type !== 'external_account') fail(`${file}: "type" is ${JSON.stringify(json.type)}, not "external_account" (a service-account key is a stored secret; see the second choice in the README)`);
  const environment = json.credential_source && json.credential_source.environment_id;
  if (typeof environment !== 'string' || !/^aws\d+$/.test(environment)) fail(`${file}: "credential_source.environment_id" must be "aws1" (made with --aws)`);
}

function checkAzure(federation, tenantId, clientId) {
  if (federation === '' && tenantId === '' && clientId === '') return;
  if (federation !== 'aws') fail(`azureTenantId / azureClientId are set but azureFederation is "${federation}": set azureFederation=aws`);
  if (!GUID.test(tenantId)) fail(`azureFederation=aws needs azureTenantId, the Entra tenant ID (a GUID); got "${tenantId}"`);
  if (!GUID.test(clientId)) fail(`azureFederation=aws needs azureClientId, the app registration's client ID (a GUID); got "${clientId}"`);
}

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();
  const gcpConfig = await param('gcpWorkloadIdentityConfig');
  const azureFederation = await param('azureFederation');
  const azureTenantId = await param('azureTenantId');
  const azureClientId = await param('azureClientId');
  const serviceDir = path.join(__dirname, '..');
  checkGcp(gcpConfig, serviceDir);
  checkAzure(azureFederation, azureTenantId, azureClientId);
  return {
    WARD_GCP_CREDENTIALS: gcpConfig,
    WARD_AZURE_FEDERATION: azureFederation,
    WARD_AZURE_TENANT_ID: azureTenantId,
    WARD_AZURE_CLIENT_ID: azureClientId,
    // package.patterns entry: the federation file (not a secret) goes into the artifact.
    packagePattern: gcpConfig === '' ? 'package.json' : gcpConfig,
  };
};
