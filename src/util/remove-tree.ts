import { chmod, lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * Removes a folder even where an agent made parts of it read-only (Go's module cache
 * does, and `chmod -R a-w` can): folders are made writable again, then removed.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "ENOTEMPTY") throw error;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

/** Makes every folder below `path` (and itself) readable and writable by its owner; never follows symlinks. */
export async function makeWritable(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isDirectory()) return;
  await chmod(path, (info.mode & 0o7777) | 0o700).catch(() => undefined);
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) await makeWritable(join(path, entry.name));
  }
}
