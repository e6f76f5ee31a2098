/** Shares one in-flight or finished load per key, e.g. a multi-region trail read once per account. */
export class PromiseMemo {
  private readonly pending = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let promise = this.pending.get(key) as Promise<T> | undefined;
    if (promise === undefined) {
      promise = load();
      this.pending.set(key, promise);
    }
    return promise;
  }

  set<T>(key: string, value: T): void {
    this.pending.set(key, Promise.resolve(value));
  }
}
