// `npm start`: the bundled sandbox cloud, scanned end to end with no account and no network.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig, type WardConfig } from '../core/config.js';
import { demoWorldPath, loadWorld, type World } from '../sandbox/world.js';
import { demoGcpWorld } from '../sandbox/gcp/demo.js';
import { azureDemoWorld } from '../sandbox/azure/demo.js';
import { sandboxEnv } from '../sandbox/env.js';
import { startSandbox } from '../sandbox/server.js';
import type { ChangeableSandbox } from './demo-change.js';

/** The demo world: AWS from sandbox/worlds/demo.yml, Google Cloud and Azure from their demo modules. */
export function demoWorld(): World {
  const world = loadWorld(demoWorldPath());
  return { ...world, gcp: world.gcp ?? demoGcpWorld(), azure: world.azure ?? azureDemoWorld() };
}

/** sandbox/worlds/demo.config.yml: the configuration `npm start` scans the demo world with. */
export function demoConfigPath(): string {
  return fileURLToPath(new URL('demo.config.yml', `file://${demoWorldPath()}`));
}

export function demoConfig(): WardConfig {
  const path = demoConfigPath();
  return parseConfig(readFileSync(path, 'utf8'), path, CONTROL_IDS);
}

/** What every client needs to talk to the sandbox instead of the real clouds. */
export function sandboxVariables(url: string, config: WardConfig): Record<string, string> {
  return {
    ...sandboxEnv(url),
    WARD_GCP_ENDPOINT: url,
    WARD_AZURE_ENDPOINT: url,
    WARD_GCP_SCOPES: (config.gcp?.scopes ?? []).join(','),
    WARD_AZURE_SUBSCRIPTIONS: (config.azure?.subscriptions ?? []).join(','),
  };
}

export interface RunningSandbox extends ChangeableSandbox {
  close(): Promise<void>;
}

/** Starts the demo sandbox and points this process's clients at it. */
export async function startDemoSandbox(config: WardConfig, port = 0): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ world: demoWorld(), port });
  Object.assign(process.env, sandboxVariables(sandbox.url, config));
  return sandbox;
}
