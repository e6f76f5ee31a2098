// Runs Ward against the sandbox cloud over real HTTP, the way `npm start` does.

import { scan, type ScanOutcome, type ScanRequest } from '../../app/scan.js';
import { sandboxVariables } from '../../app/demo.js';
import type { WardConfig } from '../../core/config.js';
import { newApiMetrics, type ApiMetrics } from '../../core/metrics.js';
import type { Finding } from '../../core/model.js';
import { startSandbox } from '../../sandbox/server.js';
import type { World } from '../../sandbox/world.js';

export interface SandboxRun extends ScanOutcome {
  metrics: ApiMetrics;
  requests: number;
  throttled: number;
  byApi: Record<string, number>;
}

/** Starts a sandbox for the world, points this process's clients at it, scans, and stops it. */
export async function scanWorld(world: World, config: WardConfig, request: Omit<ScanRequest, 'config'> = {}): Promise<SandboxRun> {
  const sandbox = await startSandbox({ world, port: 0 });
  const saved = { ...process.env };
  Object.assign(process.env, sandboxVariables(sandbox.url, config));
  const metrics = newApiMetrics();
  try {
    const outcome = await scan({ config, metrics, ...request });
    return { ...outcome, metrics, requests: sandbox.stats.requests, throttled: sandbox.stats.throttled, byApi: { ...sandbox.stats.byApi } };
  } finally {
    process.env = saved;
    await sandbox.close();
  }
}

/** `control account region resource → status severity`, for compact expectations. */
export function verdicts(results: readonly Finding[], controlId: string): Record<string, string> {
  return Object.fromEntries(
    results
      .filter((f) => f.controlId === controlId)
      .map((f) => [`${f.account}/${f.region}/${f.resource.name ?? f.resource.id}`, `${f.status} ${f.severity}`]),
  );
}
