// The environment a process needs to talk to a running sandbox with the standard AWS SDK settings:
// the endpoint for every service, credentials (the documented example key, which the sandbox maps to
// the world's current account) and a region; instance metadata is switched off so nothing waits on it.

/** AWS's documented example access key: the sandbox treats it as the current account's user. */
export const SANDBOX_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SANDBOX_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface SandboxEnv {
  AWS_ENDPOINT_URL: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_REGION: string;
  AWS_EC2_METADATA_DISABLED: 'true';
  [name: string]: string;
}

/** Variables to merge over process.env (e.g. `{ ...process.env, ...sandboxEnv(sandbox.url) }`). */
export function sandboxEnv(url: string, region = 'us-east-1'): SandboxEnv {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
