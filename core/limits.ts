// Bounds on every cloud read: how long a connection, an attempt and a whole read (one dataset in one
// scope, all pages and retries) may take, how many pages a listing may have and how large one page's
// body may be. A read that hits a bound fails with a ReadLimitError, which the engine turns into ERROR
// for that scope with a coverage entry: a hostile or broken API costs at most the read deadline.
//
// The scope's AbortSignal travels with the read through AsyncLocalStorage, so the providers' HTTP
// layers (AWS request handler, Azure pipeline policy, GCP transport) abort the call in flight instead
// of leaving a socket open behind a result that was already reported.

import { AsyncLocalStorage } from 'node:async_hooks';

export interface ReadLimits {
  /** TCP (and TLS) connection set-up, per attempt. */
  connectTimeoutMs: number;
  /** One HTTP attempt, from sending the request to the last byte of the response. */
  attemptTimeoutMs: number;
  /** One read: a dataset in one scope, every page and retry included. */
  readDeadlineMs: number;
  /** Pages per listing. */
  maxPages: number;
  /** Bytes of one response body (one page). */
  maxPageBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  connectTimeoutMs: 5_000,
  attemptTimeoutMs: 30_000,
  readDeadlineMs: 300_000,
  maxPages: 10_000,
  maxPageBytes: 4 * 1024 * 1024,
};

const ENV: Record<keyof ReadLimits, string> = {
  connectTimeoutMs: 'WARD_CONNECT_TIMEOUT_MS',
  attemptTimeoutMs: 'WARD_ATTEMPT_TIMEOUT_MS',
  readDeadlineMs: 'WARD_READ_DEADLINE_MS',
  maxPages: 'WARD_MAX_PAGES',
  maxPageBytes: 'WARD_MAX_PAGE_BYTES',
};

/** The defaults, each overridable by its WARD_* environment variable (a positive integer). */
export function readLimits(env: NodeJS.ProcessEnv = process.env): ReadLimits {
  const limits = { ...DEFAULT_READ_LIMITS };
  for (const key of Object.keys(ENV) as Array<keyof ReadLimits>) {
    const value = Number(env[ENV[key]] ?? '');
    if (Number.isSafeInteger(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/** A read stopped by one of Ward's bounds; `code` and `reason` go to the coverage entry as they are. */
export class ReadLimitError extends Error {
  override readonly name = 'ReadLimitError';
  constructor(
    readonly code: 'ReadDeadlineExceeded' | 'AttemptTimeout' | 'PaginationLoop' | 'TooManyPages' | 'PageTooLarge' | 'ForeignNextLink',
    readonly reason: string,
  ) {
    super(reason);
  }
}

const readScope = new AsyncLocalStorage<AbortSignal>();

/** The signal of the read in progress (undefined outside one). */
export function currentReadSignal(): AbortSignal | undefined {
  return readScope.getStore();
}

/** The read's signal combined with a per-attempt timeout, for one HTTP attempt. */
export function attemptSignal(timeoutMs: number, own?: AbortSignal | null): AbortSignal {
  const signals = [AbortSignal.timeout(timeoutMs), currentReadSignal(), own ?? undefined].filter((s): s is AbortSignal => s !== undefined);
  return signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
}

/**
 * Runs one read under a deadline: when it passes, the read's signal aborts whatever is in flight and
 * the returned promise rejects at once with ReadDeadlineExceeded (even if a call ignores the signal).
 */
export async function withReadDeadline<T>(deadlineMs: number, what: string, read: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ReadLimitError('ReadDeadlineExceeded', `${what} did not finish within the read deadline of ${deadlineMs / 1000} s (WARD_READ_DEADLINE_MS)`);
      controller.abort(error);
      reject(error);
    }, deadlineMs);
  });
  try {
    return await Promise.race([readScope.run(controller.signal, read), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Follows one listing's page tokens: fails on a token seen before (a loop, including two values in
 * turn) and beyond `maxPages`, rather than reading for ever or reporting a partial listing.
 */
export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;

  constructor(
    private readonly api: string,
    private readonly maxPages: number = readLimits().maxPages,
  ) {}

  /** Call after each page with its next token; true when there is another page to read. */
  next(token: string | null | undefined): boolean {
    this.pages += 1;
    if (token === undefined || token === null || token === '') return false;
    if (this.seen.has(token)) {
      throw new ReadLimitError('PaginationLoop', `${this.api} returned a page token it had already returned (after ${this.pages} pages): the listing would never end`);
    }
    if (this.pages >= this.maxPages) throw new ReadLimitError('TooManyPages', `${this.api} returned more than ${this.maxPages} pages (WARD_MAX_PAGES)`);
    this.seen.add(token);
    return true;
  }
}

/** Passes pages through a PageGuard: the SDKs' own paginators stop on neither loops nor a cap. */
export async function* guardPages<Page>(api: string, pages: AsyncIterable<Page>, tokenOf: (page: Page) => string | null | undefined): AsyncGenerator<Page> {
  const guard = new PageGuard(api);
  for await (const page of pages) {
    yield page;
    if (!guard.next(tokenOf(page))) return;
  }
}

/** The ReadLimitError behind an error, however an SDK wrapped it (`cause` chains, abort reasons). */
export function limitErrorOf(error: unknown): ReadLimitError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof ReadLimitError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
