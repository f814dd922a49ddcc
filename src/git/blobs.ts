import { GitError } from "./git-error.ts";
import { assertNotOption, type Git } from "./runner.ts";

export type FileAtRev =
  | { kind: "missing" }
  | { kind: "too-large"; blobSha: string; size: number }
  | { kind: "file"; blobSha: string; size: number; content: Buffer };

/**
 * Reads `path` as committed at `rev`, without touching any working tree, in one git
 * process: `cat-file --batch` prints the size before the content, and output past
 * `maxBytes` is dropped as it arrives, so a huge file is refused, never held in memory.
 * Anything but a file there (nothing, a folder, a submodule) is missing.
 */
export async function readFileAtRev(git: Git, rev: string, path: string, maxBytes: number): Promise<FileAtRev> {
  const spec = `${assertNotOption(rev, "revision")}:${path}`;
  if (spec.includes("\n")) throw new Error(`a revision and path must be one line: ${JSON.stringify(spec.slice(0, 60))}`);
  const args = ["cat-file", "--batch"];
  // The header is at most a sha-256 name, a type and a size: 128 bytes leave room for it.
  const result = await git.probe(args, { input: `${spec}\n`, keepBytes: true, maxOutputBytes: maxBytes + 128 });
  if (result.exitCode !== 0) throw new GitError(args, result.exitCode, result.spawnError ?? result.stderr);
  const bytes = result.stdoutBytes ?? Buffer.alloc(0);
  const newline = bytes.indexOf(10);
  const header = /^([0-9a-f]+) (\w+) (\d+)$/.exec(bytes.subarray(0, Math.max(newline, 0)).toString("utf8"));
  if (!header?.[1] || header[2] !== "blob") return { kind: "missing" };
  const blobSha = header[1];
  const size = Number(header[3]);
  if (size > maxBytes) return { kind: "too-large", blobSha, size };
  return { kind: "file", blobSha, size, content: Buffer.from(bytes.subarray(newline + 1, newline + 1 + size)) };
}

/** Reads several small blobs by `rev:path` in one git process; missing ones are undefined. */
export async function readBlobs(git: Git, specs: readonly string[]): Promise<(string | undefined)[]> {
  if (specs.length === 0) return [];
  const result = await git.probe(["cat-file", "--batch"], { input: specs.join("\n") + "\n", keepBytes: true });
  const bytes = result.stdoutBytes ?? Buffer.alloc(0);
  const values: (string | undefined)[] = [];
  let offset = 0;
  for (let i = 0; i < specs.length; i++) {
    const newline = bytes.indexOf(10, offset);
    if (newline < 0) break;
    const header = bytes.subarray(offset, newline).toString("utf8");
    offset = newline + 1;
    const size = /^[0-9a-f]+ \w+ (\d+)$/.exec(header)?.[1];
    if (size === undefined) {
      values.push(undefined);
      continue;
    }
    const length = Number(size);
    values.push(bytes.subarray(offset, offset + length).toString("utf8"));
    offset += length + 1;
  }
  return values;
}
