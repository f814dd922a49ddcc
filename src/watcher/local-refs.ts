import { watch, type FSWatcher } from "chokidar";
import type { Logger } from "../util/logger.ts";
import { createBurst, describePaths } from "./burst.ts";
import { isIgnoredRefPath, refWatchPaths } from "./ref-paths.ts";

export interface WatchLocalRefsOptions {
  /**
   * Git directories to watch: the clone's common git dir and, when the remote URL is a
   * local path (see `localRemoteGitDir`), the remote's git dir.
   */
  dirs: string[];
  /**
   * Called once per burst of ref changes; `reason` names the paths that changed, `changes`
   * lists them (a folder's own event marked `dir`).
   */
  onChange: (reason: string, changes: RefChange[]) => void;
  /** Quiet time that ends a burst. Default 25 ms: git writes the refs of one push or fetch within a few. */
  debounceMs?: number;
  logger: Logger;
}

export interface RefChange {
  path: string;
  /** A folder appeared or went (git makes and removes them around the refs it writes). */
  dir: boolean;
}

export interface RefWatcher extends AsyncDisposable {
  close(): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 25;
// A steady stream of ref writes (a long fetch) still reports at least this often.
const MAX_WAIT_FACTOR = 10;

/**
 * Notices that refs may have changed: loose refs under refs/heads, refs/remotes and
 * refs/codex, and packed-refs. A trigger only; what changed is read from git by the
 * caller. Resolves once the initial scan is done, so a change made right after is seen.
 *
 * The whole `refs` folder is the root (git always has one) and `ignored` prunes it to the
 * watched namespaces, so a namespace created later (refs/codex on the first task) is
 * picked up as it appears.
 */
export async function watchLocalRefs(options: WatchLocalRefsOptions): Promise<RefWatcher> {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  if (!(debounceMs >= 0)) throw new Error(`debounceMs must be a number >= 0, got ${debounceMs}`);
  const dirs = [...options.dirs];
  const log = options.logger.child({ watcher: "refs" });
  const burst = createBurst({
    debounceMs,
    maxWaitMs: Math.max(debounceMs * MAX_WAIT_FACTOR, 1),
    fire(paths, dirs) {
      const reason = describePaths(paths);
      log.debug({ paths: paths.length, reason }, "refs changed");
      options.onChange(reason, paths.map((path) => ({ path, dir: dirs.has(path) })));
    },
  });
  const watcher = watch(dirs.flatMap(refWatchPaths), {
    ignoreInitial: true,
    // git replaces a ref by renaming `x.lock` onto `x`; every event is a trigger, so
    // there is nothing to merge, and `atomic` would only hold back deletions by 100 ms.
    atomic: false,
    awaitWriteFinish: false,
    ignored: (path: string) => isIgnoredRefPath(dirs, path),
  });
  watcher.on("all", (event, path) => burst.add(path, event === "addDir" || event === "unlinkDir"));
  await whenReady(watcher);
  watcher.on("error", (err) => log.warn({ err }, "ref watcher error"));
  log.debug({ dirs }, "watching refs");
  const close = async (): Promise<void> => {
    burst.cancel();
    await watcher.close();
  };
  return { close, [Symbol.asyncDispose]: close };
}

async function whenReady(watcher: FSWatcher): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.once("ready", resolve);
      watcher.once("error", reject);
    });
  } catch (err) {
    await watcher.close();
    throw err;
  } finally {
    watcher.removeAllListeners("ready");
    watcher.removeAllListeners("error");
  }
}
