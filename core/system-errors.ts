// Errors that come from the user's machine, not from Ward: each gets one line saying what happened and
// what to do, instead of "unexpected error".

const FIXES: Record<string, (where: string) => string> = {
  ENOSPC: (where) => `no space left on the device${where}. Nothing was half-written; free some space (or point --store at another disk) and run again.`,
  EDQUOT: (where) => `the disk quota is exhausted${where}. Free some space or raise the quota, then run again.`,
  EROFS: (where) => `the file system is read-only${where}. Point --store (or WARD_STORE) at a writable directory or bucket and run again.`,
  EACCES: (where) => `permission denied${where}. Give this user write access there, or point --store (or WARD_STORE) at a directory it can write.`,
  EPERM: (where) => `operation not permitted${where}. Give this user write access there, or point --store (or WARD_STORE) at a directory it can write.`,
  EMFILE: (where) => `too many open files${where}. Raise the limit (ulimit -n) or lower scan.concurrency.`,
};

/** One line for a system error Ward can explain, or undefined. */
export function explainSystemError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, path, message } = error as { code?: unknown; path?: unknown; message?: unknown };
  const fix = typeof code === 'string' && Object.hasOwn(FIXES, code) ? FIXES[code] : undefined;
  if (fix !== undefined) return fix(typeof path === 'string' ? ` at ${path}` : '');
  if (typeof message === 'string' && /excessive alias count/i.test(message)) {
    return 'a YAML file expands too many aliases (*name), the shape of an alias bomb (excessive alias count). Write the values out instead of expanding aliases.';
  }
  return undefined;
}
