/**
 * A repository's lock. Called as a function, a section runs alone, after every section
 * called before it and before every one called after it: a fetch (which moves the local
 * task refs to the remote's) or an intake (which reads every record and pushes with leases
 * on them) must not interleave with a record written locally and not yet pushed.
 *
 * `shared(key, …)` is for one task's record-and-push steps (claim, lease renewal, final
 * push): they touch only that task's refs, so two tasks' steps may run side by side, which
 * is what lets a second task claim or finish while the first one pushes. Shared sections
 * with the same key (tasks whose results go to the same branch) still run one at a time,
 * in call order; no shared section runs beside a section called as a function. A section
 * must not call the lock again (it would wait for itself).
 */
export interface Mutex {
  <T>(section: () => Promise<T>): Promise<T>;
  shared<T>(key: string, section: () => Promise<T>): Promise<T>;
}

export function createMutex(): Mutex {
  const settle = (run: Promise<unknown>): Promise<void> => run.then(() => undefined, () => undefined);
  // Ends when the last exclusive section called so far has ended.
  let barrier: Promise<void> = Promise.resolve();
  // Shared sections called since that exclusive one, not yet ended; the last one per key.
  const since = new Set<Promise<void>>();
  const lastOf = new Map<string, Promise<void>>();
  const exclusive = <T>(section: () => Promise<T>): Promise<T> => {
    const run = Promise.all([barrier, ...since]).then(() => section());
    barrier = settle(run);
    since.clear();
    lastOf.clear(); // every later section waits for this one, so for those too
    return run;
  };
  const shared = <T>(key: string, section: () => Promise<T>): Promise<T> => {
    const run = Promise.all([barrier, lastOf.get(key)]).then(() => section());
    const ended = settle(run);
    since.add(ended);
    lastOf.set(key, ended);
    void ended.then(() => {
      since.delete(ended);
      if (lastOf.get(key) === ended) lastOf.delete(key);
    });
    return run;
  };
  return Object.assign(exclusive, { shared });
}
