import type { CommitRecord } from "../tasks/types.ts";
import { assertNotOption, type Git } from "./runner.ts";

// Control characters never found in commit metadata separate fields and records.
const FIELD = "\x1f";
const RECORD = "\x1e";
const VALUE = "\x1d";
const FORMAT = [
  "%H", "%P", "%an", "%ae", "%ct", "%s",
  `%(trailers:key=Codex,valueonly,unfold,separator=%x1d)`,
  `%(trailers:key=Codex-Task,valueonly,separator=%x1d)`,
  `%(trailers:key=Codex-Retry,valueonly,unfold,separator=%x1d)`,
  `%(trailers:key=Codex-Cancel,valueonly,unfold,separator=%x1d)`,
].join("%x1f") + "%x1e";

/** In the key of every trailer above: a commit without it in its message asks for nothing. */
export const TRAILER_WORD = "codex";

export interface CommitRange {
  tip: string;
  /** Commits reachable from `tip` but not from these. */
  exclude?: string | readonly string[];
  /** Only commits committed at or after this unix time (the first-run window). */
  sinceSeconds?: number;
  maxCount?: number;
  /**
   * Only commits whose message contains this text, in any case: git drops the others before
   * formatting them, so a long range costs little more than reading its messages. Every
   * trailer this module reads has "codex" in its key.
   */
  mentioning?: string;
}

/** Commits in the range, oldest first, with their `Codex:` trailers read by git itself. */
export async function listCommits(git: Git, range: CommitRange): Promise<CommitRecord[]> {
  const args = ["log", `--format=${FORMAT}`, "--reverse", "--topo-order"];
  if (range.sinceSeconds !== undefined) args.push(`--since=@${range.sinceSeconds}`);
  if (range.maxCount !== undefined) args.push(`--max-count=${range.maxCount}`);
  if (range.mentioning !== undefined) args.push("--regexp-ignore-case", "--fixed-strings", `--grep=${range.mentioning}`);
  args.push(assertNotOption(range.tip, "tip"));
  for (const exclude of typeof range.exclude === "string" ? [range.exclude] : (range.exclude ?? [])) args.push(`^${assertNotOption(exclude, "exclude")}`);
  args.push("--");
  return parseCommitLog(await git.run(args));
}

export function parseCommitLog(text: string): CommitRecord[] {
  const records: CommitRecord[] = [];
  for (const raw of text.split(RECORD)) {
    const record = raw.replace(/^\n/, "");
    if (record === "") continue;
    const [sha = "", parents = "", authorName = "", authorEmail = "", time = "0", subject = "", codex = "", task = "", retry = "", cancel = ""] =
      record.split(FIELD);
    records.push({
      sha,
      parents: parents.split(" ").filter(Boolean),
      authorName,
      authorEmail,
      committedAt: Number(time),
      subject,
      codexTrailers: splitValues(codex),
      hasTaskTrailer: splitValues(task).length > 0,
      ...(retry || cancel ? { control: { retry: splitValues(retry), cancel: splitValues(cancel) } } : {}),
    });
  }
  return records;
}

function splitValues(text: string): string[] {
  return text.split(VALUE).map((value) => value.trim()).filter(Boolean);
}

/** One commit's record, e.g. the requester of a task-file task. */
export async function readCommit(git: Git, rev: string): Promise<CommitRecord | undefined> {
  const text = await git.run(["log", "-1", `--format=${FORMAT}`, assertNotOption(rev, "revision"), "--"]);
  return parseCommitLog(text)[0];
}

/** The last commit reachable from `tip` that touched `path`. */
export async function lastCommitTouching(git: Git, tip: string, path: string): Promise<CommitRecord | undefined> {
  const text = await git.run(["log", "-1", `--format=${FORMAT}`, assertNotOption(tip, "tip"), "--", path]);
  return parseCommitLog(text)[0];
}

export async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git.probe(["merge-base", "--is-ancestor", assertNotOption(ancestor, "ancestor"), assertNotOption(descendant, "descendant")]);
  return result.exitCode === 0;
}
