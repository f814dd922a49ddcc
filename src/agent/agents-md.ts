import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { join } from "node:path";

/** Codex CLI's default `project_doc_max_bytes`: one budget for the whole chain. */
export const AGENTS_MD_BUDGET = 32 * 1024;

/** In each folder the first of these that is a regular file is that folder's instructions. */
const NAMES = ["AGENTS.override.md", "AGENTS.md"] as const;

export interface AgentsDoc {
  /** Relative to the worktree root with "/" separators, e.g. "pkg/api/AGENTS.md". */
  path: string;
  /** The file's text, with a marker at the end when the budget cut it. */
  text: string;
}

/**
 * The AGENTS.md chain as Codex CLI reads it: every folder from the worktree root down to
 * `leaf` (a folder relative to the root), root first; in each, `AGENTS.override.md` when
 * present, else `AGENTS.md`; empty files skipped. The chain shares one byte budget in walk
 * order, so a large root file leaves less for deeper ones; a file that does not fit is cut
 * and the cut is marked. Only regular files count and no folder is entered through a
 * symlink: a committed link must never feed another file on the machine to the model.
 */
export async function readAgentsChain(root: string, leaf = "", budget = AGENTS_MD_BUDGET): Promise<AgentsDoc[]> {
  const docs: AgentsDoc[] = [];
  let left = budget;
  for (const folder of await chainFolders(root, leaf)) {
    const found = await readFirstFile(root, folder, left);
    // Empty files are skipped, as Codex does; a file the spent budget left unread is named.
    if (!found || found.size === 0 || (found.bytes === found.size && found.text.trim() === "")) continue;
    if (found.bytes === 0) {
      docs.push({ path: found.path, text: `[${found.path} left out: the ${kib(budget)} budget for AGENTS.md files is spent]` });
      continue;
    }
    left -= found.bytes;
    const cut = found.size > found.bytes;
    const marker = `\n[${found.path} cut after ${found.bytes} of ${found.size} bytes: the AGENTS.md chain shares a ${kib(budget)} budget]`;
    docs.push({ path: found.path, text: cut ? `${found.text}${marker}` : found.text });
  }
  return docs;
}

/**
 * Why `leaf` cannot be the task's working directory in the worktree at `root`, or
 * undefined when it is a real folder there (every step a folder, none a symlink).
 */
export async function workdirProblem(root: string, leaf: string): Promise<string | undefined> {
  if (leaf.split("/").includes("..")) return `workdir ${JSON.stringify(leaf)} must stay inside the worktree`;
  const segments = splitLeaf(leaf);
  const reached = await chainFolders(root, leaf);
  if (reached.length === segments.length + 1) return undefined;
  const missing = segments.slice(0, reached.length).join("/");
  return `workdir ${JSON.stringify(leaf)} is not a folder in the task's commit (${JSON.stringify(missing)} is missing, a file or a symlink)`;
}

/** The folders from the root ("") down to `leaf`, stopping before one that is not a real folder. */
async function chainFolders(root: string, leaf: string): Promise<string[]> {
  const folders = [""];
  const segments = splitLeaf(leaf);
  for (let i = 1; i <= segments.length; i++) {
    const folder = segments.slice(0, i).join("/");
    const stat = await lstat(join(root, folder)).catch(() => undefined);
    if (!stat?.isDirectory()) break;
    folders.push(folder);
  }
  return folders;
}

function splitLeaf(leaf: string): string[] {
  const segments = leaf.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new Error(`workdir must stay inside the worktree: ${JSON.stringify(leaf.slice(0, 200))}`);
  return segments;
}

interface FoundFile {
  path: string;
  text: string;
  /** Bytes of `text`. */
  bytes: number;
  size: number;
}

async function readFirstFile(root: string, folder: string, maxBytes: number): Promise<FoundFile | undefined> {
  for (const name of NAMES) {
    const path = folder ? `${folder}/${name}` : name;
    // O_NOFOLLOW: a symlink fails to open instead of being followed, with no race after a check.
    const file = await open(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!file) continue;
    try {
      const stat = await file.stat();
      if (!stat.isFile()) continue;
      const buffer = Buffer.alloc(Math.max(0, Math.min(stat.size, maxBytes)));
      const { bytesRead } = buffer.length > 0 ? await file.read(buffer, 0, buffer.length, 0) : { bytesRead: 0 };
      const head = utf8Prefix(buffer.subarray(0, bytesRead));
      return { path, text: head.toString("utf8"), bytes: head.length, size: stat.size };
    } finally {
      await file.close();
    }
  }
  return undefined;
}

/** The longest prefix that does not end inside a UTF-8 sequence (a cut must not leave half a character). */
function utf8Prefix(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  while (start > 0 && bytes.length - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  if (lead === undefined || lead < 0xc0) return bytes;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return bytes.length - start < need ? bytes.subarray(0, start) : bytes;
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
