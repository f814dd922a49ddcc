import { GitError } from "./git-error.ts";
import { assertNotOption, type Git } from "./runner.ts";

/**
 * One ref the bot wants the remote to take. `expect` is the lease: the sha the remote ref
 * must still have, `null` when it must not exist yet (a claim), or "fast-forward" for a
 * plain update that git itself rejects unless it fast-forwards.
 */
export interface RefUpdate {
  ref: string;
  sha: string;
  expect: string | null | "fast-forward";
}

export interface PushOutcome {
  ref: string;
  ok: boolean;
  /** git's summary for the ref, e.g. "[new branch]", "stale info", "fetch first". */
  detail: string;
}

export class RefGuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefGuardError";
  }
}

/**
 * The ref guard: the bot only ever pushes `refs/heads/<prefix>*` and `refs/codex/*`, and
 * never forces without a lease. Enforced here, below every caller.
 */
export function guardRefUpdate(update: RefUpdate, branchPrefix: string): void {
  const { ref, sha } = update;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new RefGuardError(`refusing to push ${ref}: ${JSON.stringify(sha)} is not a full commit sha`);
  if (!branchPrefix || !branchPrefix.endsWith("/") || branchPrefix.startsWith("-") || branchPrefix.includes("..")) {
    throw new RefGuardError(`refusing to push: branch prefix ${JSON.stringify(branchPrefix)} must be a non-empty folder like "codex/"`);
  }
  const allowed = ref.startsWith(`refs/heads/${branchPrefix}`) || ref.startsWith("refs/codex/");
  if (!allowed || ref.includes("..") || /[\s~^:?*[\\]|@\{/.test(ref) || ref.endsWith("/")) {
    throw new RefGuardError(`refusing to push ${JSON.stringify(ref)}: only refs/heads/${branchPrefix}* and refs/codex/* may be pushed`);
  }
  if (update.expect !== null && update.expect !== "fast-forward" && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(update.expect)) {
    throw new RefGuardError(`refusing to push ${ref}: the lease must be a full sha, null or "fast-forward"`);
  }
}

/** Pushes every update in one `git push`, atomically by default, each with its lease. */
export async function pushRefs(git: Git, remote: string, updates: readonly RefUpdate[], options: { branchPrefix: string; atomic?: boolean }): Promise<PushOutcome[]> {
  if (updates.length === 0) return [];
  for (const update of updates) guardRefUpdate(update, options.branchPrefix);
  const args = ["push", "--porcelain", "--no-verify", "--no-follow-tags"];
  if (options.atomic ?? true) args.push("--atomic");
  for (const { ref, expect } of updates) {
    if (expect !== "fast-forward") args.push(`--force-with-lease=${ref}:${expect ?? ""}`);
  }
  args.push(assertNotOption(remote, "remote"), ...updates.map(({ sha, ref }) => `${sha}:${ref}`));
  const result = await git.probe(args);
  const outcomes = parsePorcelain(result.stdout);
  if (outcomes.length === 0) throw new GitError(args, result.exitCode, result.spawnError ?? result.stderr);
  return outcomes;
}

export function parsePorcelain(stdout: string): PushOutcome[] {
  const outcomes: PushOutcome[] = [];
  for (const line of stdout.split("\n")) {
    const match = /^([ +\-*!=])\t[^\t]*:([^\t]+)\t(.*)$/.exec(line);
    if (!match) continue;
    const [, flag = "", ref = "", detail = ""] = match;
    outcomes.push({ ref, ok: flag !== "!", detail: detail.trim() });
  }
  return outcomes;
}
