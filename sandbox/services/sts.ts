// STS (AWS Query, 2011-06-15): GetCallerIdentity, and AssumeRole issuing temporary credentials whose
// access key id encodes the target account, so later requests signed with them act as that account.
// The role's trust (trusted accounts, ExternalId, session duration) is enforced as AWS would.

import { randomBytes } from 'node:crypto';
import type { CallContext, Principal, XmlHandler } from '../context.js';
import { AwsError, validationError } from '../errors.js';
import type { AccountModel } from '../model.js';
import { stableHex } from '../util.js';
import { el, leaf } from '../xml.js';
import { issuerUrl, signJwt } from '../federation/jwt.js';

/** The IAM user the sandbox's long-term credentials belong to in every account. */
export const SANDBOX_USER = 'ward-operator';

export function userPrincipal(account: AccountModel, accessKeyId: string): Principal {
  return {
    accessKeyId,
    account,
    arn: `arn:aws:iam::${account.id}:user/${SANDBOX_USER}`,
    userId: `AIDA${stableHex(`user/${account.id}`, 17).toUpperCase()}`,
  };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

function denied(ctx: CallContext, roleArn: string): AwsError {
  return new AwsError('AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
}

const assumeRole: XmlHandler = (ctx, params) => {
  const roleArn = params.get('RoleArn');
  const session = params.get('RoleSessionName');
  if (roleArn === undefined) throw validationError('sts', "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (session === undefined) throw validationError('sts', "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
    throw validationError('sts', `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  const match = ROLE_ARN.exec(roleArn);
  if (match === null) throw validationError('sts', `${roleArn} is invalid`);
  const accountId = match[1] as string;
  const roleName = match[3] as string;
  const duration = params.int('DurationSeconds') ?? 3600;
  if (duration < 900 || duration > 43200) {
    throw validationError('sts', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }

  const target = ctx.model.accounts.get(accountId);
  const role = target?.roles.get(roleName);
  if (target === undefined || role === undefined || target.status !== 'ACTIVE') throw denied(ctx, roleArn);
  if (role.trustedAccounts !== undefined && !role.trustedAccounts.includes(ctx.account.id)) throw denied(ctx, roleArn);
  if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) throw denied(ctx, roleArn);
  if (ctx.principal.role !== undefined && duration > 3600) {
    throw validationError('sts', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > (role.maxSessionDuration ?? 3600)) throw validationError('sts', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  ctx.state.sessionCounter += 1;
  const serial = ctx.state.sessionCounter.toString(36).toUpperCase().padStart(4, '0').slice(-4);
  const accessKeyId = `ASIA${target.id}${serial}`;
  const expiration = new Date(Math.floor(ctx.now.getTime() / 1000) * 1000 + duration * 1000);
  const roleId = `AROA${stableHex(`role/${target.id}/${roleName}`, 17).toUpperCase()}`;
  const principal: Principal = {
    accessKeyId,
    account: target,
    arn: `arn:aws:sts::${target.id}:assumed-role/${roleName}/${session}`,
    userId: `${roleId}:${session}`,
    role: { name: roleName, session, expiration },
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
  };
  ctx.state.sessions.set(accessKeyId, principal);
  return (
    el(
      'Credentials',
      leaf('AccessKeyId', accessKeyId),
      leaf('SecretAccessKey', principal.secretAccessKey ?? ''),
      leaf('SessionToken', principal.sessionToken ?? ''),
      leaf('Expiration', expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')),
    ) + el('AssumedRoleUser', leaf('AssumedRoleId', principal.userId), leaf('Arn', principal.arn))
  );
};

/** IAM outbound identity federation: a JWT naming the caller, signed by the account's issuer. */
const getWebIdentityToken: XmlHandler = (ctx, params) => {
  const audiences = params.list('Audience.member');
  if (audiences.length === 0) throw validationError('sts', "1 validation error detected: Value null at 'audience' failed to satisfy constraint: Member must not be null");
  const algorithm = params.get('SigningAlgorithm');
  if (algorithm !== 'RS256') throw validationError('sts', `The sandbox signs web identity tokens with RS256 only, not ${algorithm ?? 'null'}.`);
  const duration = params.int('DurationSeconds') ?? 300;
  if (duration < 60 || duration > 3600) throw validationError('sts', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 60 and 3600`);
  const now = Math.floor(ctx.now.getTime() / 1000);
  const role = ctx.principal.role;
  // The subject is the role (not the session), so a trust can name it.
  const subject = role === undefined ? ctx.principal.arn : `arn:aws:iam::${ctx.account.id}:role/${role.name}`;
  const token = signJwt(ctx.state.outboundIssuer, {
    iss: issuerUrl(ctx.state.outboundIssuer, ctx.account.id),
    sub: subject,
    aud: audiences.length === 1 ? audiences[0] : audiences,
    iat: now,
    nbf: now,
    exp: now + duration,
    jti: randomBytes(16).toString('hex'),
    'https://sts.amazonaws.com/': { aws_account: ctx.account.id, source_region: ctx.region, principal_id: ctx.principal.arn },
  });
  return leaf('WebIdentityToken', token) + leaf('Expiration', new Date((now + duration) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
};

const getCallerIdentity: XmlHandler = (ctx) => leaf('UserId', ctx.principal.userId) + leaf('Account', ctx.account.id) + leaf('Arn', ctx.principal.arn);

export const STS_HANDLERS: Record<string, XmlHandler> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetWebIdentityToken: getWebIdentityToken,
};
