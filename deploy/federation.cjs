// Package-time check of the cross-cloud sign-in parameters (serverless.yml resolves
// `${file(./deploy/federation.cjs):…}` through this function): a half-configured provider stops
// `sls package` / `sls deploy` with an error naming the parameter and the fix, instead of a stack
// whose scans of that cloud fail later. Returns the function environment, the package pattern and
// the IAM statements for the second choice (a key or client secret in SSM / Secrets Manager).
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

function checkAzure(federation, tenantId, clientId, secretName) {
  if (federation === '' && tenantId === '' && clientId === '' && secretName === '') return;
  if (secretName !== '') {
    if (federation !== '') fail(`azureFederation=${federation} and azureClientSecretName are both set: choose one (federation needs no stored secret; unset azureClientSecretName)`);
    if (!GUID.test(tenantId)) fail(`azureClientSecretName needs azureTenantId, the Entra tenant ID (a GUID); got "${tenantId}"`);
    if (!GUID.test(clientId)) fail(`azureClientSecretName needs azureClientId, the app registration's client ID (a GUID); got "${clientId}"`);
    return;
  }
  if (federation !== 'aws') fail(`azureTenantId / azureClientId are set but azureFederation is "${federation}": set azureFederation=aws (or azureClientSecretName, the second choice)`);
  if (!GUID.test(tenantId)) fail(`azureFederation=aws needs azureTenantId, the Entra tenant ID (a GUID); got "${tenantId}"`);
  if (!GUID.test(clientId)) fail(`azureFederation=aws needs azureClientId, the app registration's client ID (a GUID); got "${clientId}"`);
}

// The second choice: `ssm:<SecureString parameter name>` or `secretsmanager:<secret name>` (or an ARN).
const SECRET_REF = /^(ssm|secretsmanager):(\S+)$/;

function checkSecretRef(param, value) {
  if (value === '') return;
  if (!SECRET_REF.test(value)) fail(`${param} is "${value}": name the secret as ssm:<SecureString parameter name> or secretsmanager:<secret name>`);
}

/** `arn:<partition>:<service>:<region>:<account>:<rest>` for this stack, without `${…}` (the framework would read it). */
function stackArn(service, rest) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, rest]] };
}

/** The one IAM statement that lets the scan role read one stored secret, and nothing else. */
function readStatement(sid, ref) {
  const [, store, name] = SECRET_REF.exec(ref);
  if (store === 'ssm') {
    return { Sid: sid, Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: name.startsWith('arn:') ? name : stackArn('ssm', `:parameter/${name.replace(/^\//, '')}`) };
  }
  // Secrets Manager appends six random characters to a secret's ARN.
  return { Sid: sid, Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: name.startsWith('arn:') ? name : stackArn('secretsmanager', `:secret:${name}-??????`) };
}

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();
  const gcpConfig = await param('gcpWorkloadIdentityConfig');
  const azureFederation = await param('azureFederation');
  const azureTenantId = await param('azureTenantId');
  const azureClientId = await param('azureClientId');
  const gcpKeySecretName = await param('gcpKeySecretName');
  const azureClientSecretName = await param('azureClientSecretName');
  const serviceDir = path.join(__dirname, '..');
  if (gcpConfig !== '' && gcpKeySecretName !== '') fail('gcpWorkloadIdentityConfig and gcpKeySecretName are both set: choose one (federation needs no stored key; unset gcpKeySecretName)');
  checkGcp(gcpConfig, serviceDir);
  checkSecretRef('gcpKeySecretName', gcpKeySecretName);
  checkSecretRef('azureClientSecretName', azureClientSecretName);
  checkAzure(azureFederation, azureTenantId, azureClientId, azureClientSecretName);
  const storedSecretStatements = [
    ...(gcpKeySecretName === '' ? [] : [readStatement('GcpServiceAccountKey', gcpKeySecretName)]),
    ...(azureClientSecretName === '' ? [] : [readStatement('AzureClientSecret', azureClientSecretName)]),
  ];
  return {
    WARD_GCP_CREDENTIALS: gcpConfig,
    WARD_AZURE_FEDERATION: azureFederation,
    WARD_AZURE_TENANT_ID: azureTenantId,
    WARD_AZURE_CLIENT_ID: azureClientId,
    WARD_GCP_KEY_SECRET_NAME: gcpKeySecretName,
    WARD_AZURE_CLIENT_SECRET_NAME: azureClientSecretName,
    // The scan role's read of the stored secrets (condition StoredSecrets): that parameter or secret only.
    storedSecrets: storedSecretStatements.length > 0 ? 'true' : 'false',
    storedSecretStatements,
    // package.patterns entry: the federation file (not a secret) goes into the artifact.
    packagePattern: gcpConfig === '' ? 'package.json' : gcpConfig,
  };
};
