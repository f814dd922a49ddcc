/**
 * Runs async sections one at a time, in call order. A repository's fetches (which move
 * its local task refs to the remote's) and its record-and-push steps must not interleave.
 */
export type Mutex = <T>(section: () => Promise<T>) => Promise<T>;

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}
