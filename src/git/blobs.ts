import { assertNotOption, type Git } from "./runner.ts";

export type FileAtRev =
  | { kind: "missing" }
  | { kind: "too-large"; blobSha: string; size: number }
  | { kind: "file"; blobSha: string; size: number; content: Buffer };

/** Reads `path` as committed at `rev`, without touching any working tree. */
export async function readFileAtRev(git: Git, rev: string, path: string, maxBytes: number): Promise<FileAtRev> {
  const listing = await git.run(["ls-tree", "-z", assertNotOption(rev, "revision"), "--", path]);
  const match = /^\d+ blob ([0-9a-f]+)\t/.exec(listing);
  if (!match?.[1]) return { kind: "missing" };
  const blobSha = match[1];
  const size = Number((await git.run(["cat-file", "-s", blobSha])).trim());
  if (size > maxBytes) return { kind: "too-large", blobSha, size };
  const result = await git.probe(["cat-file", "blob", blobSha], { keepBytes: true });
  return { kind: "file", blobSha, size, content: result.stdoutBytes ?? Buffer.alloc(0) };
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
