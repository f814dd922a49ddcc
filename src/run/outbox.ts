import { readBlobs } from "../git/blobs.ts";
import { commitTree } from "../git/commit.ts";
import type { RefUpdate } from "../git/push.ts";
import { deleteRef, listRefs, updateRef } from "../git/refs.ts";
import type { RepoContext } from "./context.ts";
import { pushAll } from "./records.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";

/**
 * Results whose final push could not reach the remote wait here, in local refs that a
 * fetch never touches, and are pushed before anything else on the next run: a finished
 * task is never run again because the network failed at the last step.
 */
export const OUTBOX = "refs/codex-outbox/";

export async function saveToOutbox(repo: RepoContext, id: string, updates: readonly RefUpdate[]): Promise<void> {
  const { git } = repo;
  const blob = (await git.run(["hash-object", "-w", "--stdin"], { input: JSON.stringify(updates) })).trim();
  const tree = (await git.run(["mktree"], { input: `100644 blob ${blob}\tpush.json\n` })).trim();
  // The pending commits are its parents, so they stay reachable until pushed.
  const commit = await commitTree(git, tree, [...new Set(updates.map((u) => u.sha))], `outbox: ${id}\n`, repo.settings.bot);
  await updateRef(git, `${OUTBOX}${id}`, commit, (await listRefs(git, `${OUTBOX}${id}`)).get(`${OUTBOX}${id}`));
}

/**
 * After a push the remote has these branches at these commits: the bot's view of the
 * remote says so at once, so nothing reads a stale branch before the next fetch.
 */
export async function rememberPushedBranches(repo: RepoContext, updates: readonly RefUpdate[]): Promise<void> {
  for (const { ref, sha } of updates) {
    if (ref.startsWith("refs/heads/")) await repo.git.run(["update-ref", `${remoteHeadsNamespace(repo.settings.remote)}${ref.slice("refs/heads/".length)}`, sha]);
  }
}

/** Pushes every waiting result; each is dropped once the remote took it or someone else finished the task. */
export function flushOutbox(repo: RepoContext): Promise<string[]> {
  return repo.exclusive(() => flushUnderLock(repo));
}

async function flushUnderLock(repo: RepoContext): Promise<string[]> {
  return flushRefs(repo, [...(await listRefs(repo.git, OUTBOX)).keys()]);
}

/**
 * The waiting results `view` lists (a listing that also read `OUTBOX`, taken after the
 * fetch), pushed by a caller that already holds `repo.exclusive`; saves the outbox's own
 * listing. True when there were any: what the remote holds changed, so read it again.
 */
export async function flushListed(repo: RepoContext, view: ReadonlyMap<string, string>): Promise<boolean> {
  const flushed = await flushRefs(repo, [...view.keys()].filter((ref) => ref.startsWith(OUTBOX)));
  if (flushed.length > 0) repo.log.info({ tasks: flushed }, "pushed results saved by an earlier run");
  return flushed.length > 0;
}

async function flushRefs(repo: RepoContext, refs: readonly string[]): Promise<string[]> {
  const flushed: string[] = [];
  for (const ref of refs) {
    const [text] = await readBlobs(repo.git, [`${ref}:push.json`]);
    const updates = JSON.parse(text ?? "[]") as RefUpdate[];
    const { ok, outcomes } = await pushAll(repo, updates);
    if (ok) await rememberPushedBranches(repo, updates);
    if (!ok) repo.log.warn({ ref, outcomes }, "a saved result was rejected: the task was taken over meanwhile");
    await deleteRef(repo.git, ref);
    flushed.push(ref.slice(OUTBOX.length));
  }
  return flushed;
}
