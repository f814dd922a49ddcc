import { listCommits } from "../git/commits.ts";
import { resolveRef } from "../git/refs.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import { memoryBranch } from "../git/memory.ts";
import type { TaskSpec } from "../tasks/types.ts";
import type { RepoContext } from "./context.ts";

export interface BranchTarget {
  branch: string;
  /** The remote branch's current tip (the lease), or null when the branch is new. */
  expect: string | null;
}

const MAX_SUFFIX = 20;

/**
 * Where a result goes. The task's own branch when it is new or holds only the bot's
 * commits (replaced with a lease); a person's commit on it makes it theirs, and the result
 * goes to the next free `<branch>-N` instead.
 */
export async function chooseResultBranch(repo: RepoContext, spec: TaskSpec): Promise<BranchTarget> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const branch = n === 1 ? spec.branch : `${spec.branch}-${n}`;
    // A task keyed "memory" must never replace the repository's memory branch.
    if (branch === memoryBranch(repo.settings.branchPrefix)) continue;
    const tip = await resolveRef(repo.git, `${remoteHeadsNamespace(repo.settings.remote)}${branch}`);
    if (!tip) return { branch, expect: null };
    if (await isBotOwned(repo, tip, spec.base)) return { branch, expect: tip };
    repo.log.info({ branch }, "result branch has commits by a person; using another branch");
  }
  throw new Error(`no free result branch for ${spec.branch} (tried ${MAX_SUFFIX})`);
}

async function isBotOwned(repo: RepoContext, tip: string, base: string): Promise<boolean> {
  const commits = await listCommits(repo.git, { tip, exclude: base, maxCount: 500 });
  const bot = repo.settings.bot.email.toLowerCase();
  return commits.every((commit) => commit.authorEmail.toLowerCase() === bot);
}
