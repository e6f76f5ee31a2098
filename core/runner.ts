// Where Ward ran a scan, recorded in the scan document: a Lambda function (its ARN when the
// invocation context gives it, else its name and region) or a host (its name and the OS user).

import { hostname, userInfo } from 'node:os';
import type { ScanRunner } from './model.js';

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the host name still says where.
    return undefined;
  }
}

export function currentRunner(env: NodeJS.ProcessEnv = process.env, invokedFunctionArn?: string): ScanRunner {
  const fn = env['AWS_LAMBDA_FUNCTION_NAME'];
  if (fn !== undefined && fn !== '') {
    return { kind: 'lambda', function: invokedFunctionArn ?? `${fn} (${env['AWS_REGION'] ?? 'unknown region'})` };
  }
  const user = osUser();
  return { kind: 'host', host: hostname(), ...(user === undefined ? {} : { user }) };
}
