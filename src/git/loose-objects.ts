import { createHash, randomBytes } from "node:crypto";
import { access, link, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import type { Identity } from "./commit.ts";
import type { Git } from "./runner.ts";

const deflateAsync = promisify(deflate);

export type ObjectType = "blob" | "tree" | "commit";

/** One line of a tree, as `git ls-tree` prints it (mode 100644, 040000…). */
export interface TreeEntry {
  mode: string;
  type: string;
  id: string;
  name: string;
}

/** The repository's object store, written without a git process (SHA-1 repositories only). */
export interface LooseObjects {
  /** The common git dir's `objects` folder: worktrees share it. */
  readonly dir: string;
  /** Writes the object unless it exists and returns its id. */
  write(type: ObjectType, body: Buffer): Promise<string>;
}

// Settings under which git writes objects or commits differently from this module: then the
// git processes write them (state-ref.ts). Read once per repository.
const SETTINGS = /^(extensions\.objectformat|extensions\.compatobjectformat|core\.sharedrepository|core\.fsync|core\.fsyncobjectfiles|commit\.gpgsign|i18n\.commitencoding)$/;

/**
 * The repository's loose object store, or undefined when this module cannot write objects
 * exactly as git would: a SHA-256 repository, `core.sharedRepository` (group permissions),
 * objects fsynced, records signed (`commit.gpgSign`) or in another encoding. Costs two git
 * processes, run side by side, once per repository.
 */
export async function openLooseObjects(git: Git): Promise<LooseObjects | undefined> {
  const [commonDir, config] = await Promise.all([
    git.run(["rev-parse", "--path-format=absolute", "--git-common-dir"]),
    git.probe(["config", "-z", "--get-regexp", SETTINGS.source]),
  ]);
  for (const item of config.exitCode === 0 ? config.stdout.split("\0") : []) {
    const newline = item.indexOf("\n");
    const [key, value] = newline < 0 ? [item, undefined] : [item.slice(0, newline), item.slice(newline + 1).toLowerCase()];
    if (key && !isDefault(key, value)) return undefined;
  }
  const dir = join(commonDir.trim(), "objects");
  return { dir, write: (type, body) => writeLooseObject(dir, type, body) };
}

function isDefault(key: string, value: string | undefined): boolean {
  if (key === "extensions.objectformat") return value === "sha1";
  if (key === "core.sharedrepository") return value === "umask" || value === "false" || value === "0";
  if (key === "i18n.commitencoding") return value === "utf-8" || value === "utf8";
  // A bool key without a value is true.
  if (key === "commit.gpgsign" || key === "core.fsyncobjectfiles") return value !== undefined && ["false", "no", "off", "0", ""].includes(value);
  return false;
}

/** The id git gives `body` as an object of `type`, and the bytes it stores (before zlib). */
export function hashObject(type: ObjectType, body: Buffer): { id: string; raw: Buffer } {
  const raw = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
  return { id: createHash("sha1").update(raw).digest("hex"), raw };
}

/**
 * Writes a loose object as git does: deflated (git's default level for loose objects), into
 * a temporary file of the object's fan-out folder, then linked into place, so a reader never
 * sees half an object and an existing object is left as it is. Read-only, as git makes them.
 */
export async function writeLooseObject(objectsDir: string, type: ObjectType, body: Buffer): Promise<string> {
  const { id, raw } = hashObject(type, body);
  const folder = join(objectsDir, id.slice(0, 2));
  const path = join(folder, id.slice(2));
  if (await exists(path)) return id;
  const data = await deflateAsync(raw, { level: 1 });
  await mkdir(folder, { recursive: true });
  // git prune removes stale `tmp_obj_*` files that a killed process left.
  const temp = join(folder, `tmp_obj_${randomBytes(6).toString("hex")}`);
  try {
    await writeFile(temp, data, { mode: 0o444, flag: "wx" });
    await link(temp, path).catch(async (error: NodeJS.ErrnoException) => {
      // Another writer was first (same bytes), or a file system without hard links.
      if (error.code !== "EEXIST") await rename(temp, path);
    });
  } finally {
    await rm(temp, { force: true });
  }
  return id;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** A tree's body: entries in git's order (a folder sorts as its name plus "/"). */
export function encodeTree(entries: readonly TreeEntry[]): Buffer {
  const key = (entry: TreeEntry): Buffer => Buffer.from(entry.type === "tree" ? `${entry.name}/` : entry.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  const names = new Set<string>();
  const parts: Buffer[] = [];
  for (const entry of sorted) {
    if (!entry.name || entry.name === "." || entry.name === ".." || /[/\0]/.test(entry.name)) throw new Error(`invalid tree entry name ${JSON.stringify(entry.name.slice(0, 60))}`);
    if (!/^[0-9a-f]{40}$/.test(entry.id)) throw new Error(`invalid object id ${JSON.stringify(entry.id.slice(0, 80))} for ${entry.name}`);
    if (names.has(entry.name)) throw new Error(`duplicate tree entry ${JSON.stringify(entry.name.slice(0, 60))}`);
    names.add(entry.name);
    // git writes a folder's mode as 40000, though ls-tree prints 040000.
    parts.push(Buffer.from(`${entry.mode.replace(/^0+/, "")} ${entry.name}\0`), Buffer.from(entry.id, "hex"));
  }
  return Buffer.concat(parts);
}

export interface CommitFields {
  tree: string;
  parents: readonly string[];
  identity: Identity;
  message: string;
  /** When, in ms since the epoch; the offset is this machine's time zone then, as git's. */
  atMs: number;
}

/**
 * A commit's body exactly as `git commit-tree` writes it for `GIT_AUTHOR_*`/`GIT_COMMITTER_*`
 * set to `identity` and no date set, or undefined when git would change the message (it
 * re-encodes bytes it does not take for UTF-8, noncharacters included) or refuse the
 * identity (empty once cleaned): then git has to write it.
 */
export function encodeCommit(fields: CommitFields): Buffer | undefined {
  const name = withoutCrud(fields.identity.name);
  const email = withoutCrud(fields.identity.email);
  if (!name || !email || `${name}${email}`.includes("\0") || !isPlainUtf8(fields.message)) return undefined;
  const signature = `${name} <${email}> ${Math.floor(fields.atMs / 1000)} ${timeZone(fields.atMs)}`;
  const header = [`tree ${fields.tree}`, ...fields.parents.map((parent) => `parent ${parent}`), `author ${signature}`, `committer ${signature}`];
  return Buffer.from(`${header.join("\n")}\n\n${fields.message}`);
}

/** `+hhmm` / `-hhmm`: this machine's offset from UTC at that moment. */
export function timeZone(atMs: number): string {
  const minutes = -new Date(Math.floor(atMs / 1000) * 1000).getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

const CRUD = /[\0-\x20,:;<>"\\']/;

/** git's ident cleaning (ident.c): crud trimmed at both ends, then `<`, `>` and newlines dropped. */
export function withoutCrud(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && CRUD.test(text[start]!)) start++;
  while (end > start && CRUD.test(text[end - 1]!)) end--;
  return text.slice(start, end).replace(/[<>\n]/g, "");
}

/**
 * Whether git keeps the message's bytes as they are: it refuses a NUL and rewrites what it
 * does not take for UTF-8 as Latin-1, noncharacters (U+FDD0–U+FDEF, U+xxFFFE, U+xxFFFF)
 * included. A lone surrogate is left to git too (both paths would send U+FFFD).
 */
function isPlainUtf8(message: string): boolean {
  for (const char of message) {
    const point = char.codePointAt(0)!;
    if (point === 0 || (point >= 0xd800 && point <= 0xdfff) || (point >= 0xfdd0 && point <= 0xfdef) || (point & 0xfffe) === 0xfffe) return false;
  }
  return true;
}
