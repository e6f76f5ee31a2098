// Counters for the API traffic a scan makes; the benchmark and the scan summary report them.

export interface ApiMetrics {
  /** Logical API calls (a paginated list counts once per page). */
  calls: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /** Attempts answered with the provider's throttling error. */
  throttled: number;
}

export function newApiMetrics(): ApiMetrics {
  return { calls: 0, attempts: 0, throttled: 0 };
}

export function retriesOf(metrics: ApiMetrics): number {
  return Math.max(0, metrics.attempts - metrics.calls);
}
