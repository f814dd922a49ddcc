import { readFileAtRev } from "../git/blobs.ts";
import { lastCommitTouching, listCommits, TRAILER_WORD } from "../git/commits.ts";
import { resolveRef } from "../git/refs.ts";
import { verifyCommits } from "../git/verify.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import { MAX_TASK_FILE_BYTES, parseTaskFile, planTasks, type Plan } from "../tasks/index.ts";
import type { CommitRecord, ParseResult, SignatureStatus } from "../tasks/types.ts";
import type { RepoContext } from "./context.ts";
import { ConfigError } from "./errors.ts";

export const TASK_FILE = ".codex-tasks.yml";

export function baselineRef(branch: string): string {
  return `refs/codex/baseline/${branch}`;
}

/** A baseline ref to move from `old` (undefined: create) to `tip`, with the lease. */
export interface BaselineMove {
  ref: string;
  tip: string;
  old: string | undefined;
}

export interface Intake {
  baseRef: string;
  tip: string;
  baseline: string | undefined;
  plan: Plan;
  /** The task file as parsed, when there is one (its schedules set the daemon's timer). */
  parse?: ParseResult;
  /** The new commits that mention "codex" (no other can ask for anything), with their signatures when the trust policy asks for them. */
  commits: CommitRecord[];
  signatures?: ReadonlyMap<string, SignatureStatus>;
}

/**
 * Reads what the watched branch asks for, as committed on the remote: the task file at
 * its tip and the trailers of commits newer than the baseline (or the first-run window).
 * `view` (refs read right after the fetch, see readRemoteView) saves resolving them one by one.
 */
export async function readIntake(repo: RepoContext, baseRef: string, nowMs: number, view?: ReadonlyMap<string, string>): Promise<Intake> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const { git, settings } = repo;
  const resolve = (ref: string): Promise<string | undefined> => (view ? Promise.resolve(view.get(ref)) : resolveRef(git, ref));
  const tip = await resolve(`${remoteHeadsNamespace(settings.remote)}${baseRef}`);
  if (!tip) throw new ConfigError(`the remote "${settings.remote}" has no branch "${baseRef}"`, `push the branch, or set the watched branches with git config codex.watch`);
  const baseline = await resolve(baselineRef(baseRef));
  // Two independent reads: two git processes at once, not one after the other.
  const [commits, taskFile] = await Promise.all([
    listCommits(git, { ...(baseline ? { exclude: baseline } : { sinceSeconds: nowSeconds - settings.sinceSeconds }), tip, mentioning: TRAILER_WORD }),
    readTaskFile(repo, tip),
  ]);
  const signatures = settings.trust.signed ? await verifyCommits(git, [...commits.map((c) => c.sha), ...(taskFile?.lastCommit ? [taskFile.lastCommit.sha] : [])]) : undefined;
  const plan = planTasks({
    trust: { policy: settings.trust, ...(signatures ? { signatures } : {}) },
    baseRef,
    tip,
    prefix: settings.branchPrefix,
    botEmail: settings.bot.email,
    commits,
    envSettings: settings.envSettings,
    now: new Date(nowMs),
    ...(taskFile ? { taskFile } : {}),
  });
  return { baseRef, tip, baseline, plan, commits, ...(signatures ? { signatures } : {}), ...(taskFile ? { parse: taskFile.parse } : {}) };
}

async function readTaskFile(repo: RepoContext, tip: string) {
  const found = await readFileAtRev(repo.git, tip, TASK_FILE, MAX_TASK_FILE_BYTES);
  if (found.kind === "missing") return undefined;
  const lastCommit = await lastCommitTouching(repo.git, tip, TASK_FILE);
  const parse: ParseResult = found.kind === "too-large"
    ? { errors: [{ message: `${TASK_FILE} is ${found.size} bytes; the limit is ${MAX_TASK_FILE_BYTES} bytes`, hint: "keep the task file small: long prompts belong in files the prompt names" }], invalidTasks: {}, warnings: [] }
    : parseTaskFile(found.content, TASK_FILE);
  return { parse, blobSha: found.blobSha, ...(lastCommit ? { lastCommit } : {}) };
}
