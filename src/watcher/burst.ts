export interface Burst {
  /** Records one changed path (`isDir`: a folder); the burst fires once things have been quiet for a while. */
  add(path: string, isDir?: boolean): void;
  /** Drops what is pending; nothing fires afterwards. */
  cancel(): void;
}

export interface BurstOptions {
  /** Quiet time that ends a burst. */
  debounceMs: number;
  /** Longest a burst may be held, so a steady stream of changes still fires. */
  maxWaitMs: number;
  /** The changed paths, and which of them are folders. */
  fire(paths: string[], dirs: ReadonlySet<string>): void;
}

/** Collects file events into one call: trailing debounce, bounded by `maxWaitMs`. */
export function createBurst(options: BurstOptions): Burst {
  let paths = new Set<string>();
  let dirs = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let startedAt = 0;
  let cancelled = false;
  const flush = (): void => {
    timer = undefined;
    const fired = [...paths];
    const firedDirs = dirs;
    paths = new Set();
    dirs = new Set();
    if (!cancelled && fired.length > 0) options.fire(fired, firedDirs);
  };
  return {
    add(path, isDir = false) {
      if (cancelled) return;
      paths.add(path);
      if (isDir) dirs.add(path);
      else dirs.delete(path);
      const now = performance.now();
      if (timer === undefined) startedAt = now;
      clearTimeout(timer);
      const wait = Math.max(0, Math.min(options.debounceMs, startedAt + options.maxWaitMs - now));
      timer = setTimeout(flush, wait);
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** A short reason for a burst: every path when few, else the first and last two. */
export function describePaths(paths: readonly string[]): string {
  if (paths.length <= 5) return paths.join(", ");
  return [...paths.slice(0, 2), `… ${paths.length - 4} more …`, ...paths.slice(-2)].join(", ");
}
