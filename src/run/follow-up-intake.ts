import { listCommits } from "../git/commits.ts";
import { memoryBranch } from "../git/memory.ts";
import { listRefs } from "../git/refs.ts";
import type { Git } from "../git/runner.ts";
import { remoteHeadsNamespace } from "../git/remote.ts";
import { planFollowUps } from "../tasks/index.ts";
import type { RefusedTask, TaskSettings, TaskSpec } from "../tasks/types.ts";
import { verifyCommits } from "../git/verify.ts";
import type { RepoContext } from "./context.ts";
import { baselineRef, type BaselineMove } from "./intake.ts";
import type { TaskStatus } from "./task-status.ts";

/**
 * Follow-ups: new commits on the remote's result branches (`<prefix>*`) that carry a
 * `Codex:` trailer by a person. Each branch has its own baseline, so a commit is read once.
 * `view` (the refs read right after the fetch, see readRemoteView) saves listing them again.
 */
export async function readFollowUps(repo: RepoContext, statuses: readonly TaskStatus[], watched: { baseRef: string; tip: string }[], defaults: TaskSettings, view?: ReadonlyMap<string, string>): Promise<{ tasks: TaskSpec[]; refused: RefusedTask[]; moves: BaselineMove[] }> {
  const { git, settings } = repo;
  const namespace = remoteHeadsNamespace(settings.remote);
  const [heads, baselines] = await Promise.all([refsUnder(git, `${namespace}${settings.branchPrefix}`, view), refsUnder(git, baselineRef(settings.branchPrefix), view)]);
  const tasks: TaskSpec[] = [];
  const refused: RefusedTask[] = [];
  const moves: BaselineMove[] = [];
  for (const [ref, tip] of heads) {
    const branch = ref.slice(namespace.length);
    // The memory branch holds notes, not a result: a trailer there asks for nothing.
    if (branch === memoryBranch(settings.branchPrefix)) continue;
    const baseline = baselines.get(baselineRef(branch));
    if (baseline === tip) continue;
    const previous = latestFor(statuses, branch);
    const commits = await listCommits(git, { tip, exclude: baseline ?? watched.map((w) => w.tip), maxCount: 1000 });
    const baseRef = previous?.baseRef ?? watched[0]?.baseRef ?? "";
    const signatures = settings.trust.signed ? await verifyCommits(git, commits.map((c) => c.sha)) : undefined;
    const planned = planFollowUps({
      branch, tip, baseRef, commits, botEmail: settings.bot.email, defaults, envSettings: settings.envSettings,
      trust: { policy: settings.trust, ...(signatures ? { signatures } : {}) },
      ...(previous?.spec ? { previous: { id: previous.id, prompt: previous.spec.prompt, ...(previous.summary ? { summary: previous.summary } : {}) } } : {}),
    });
    tasks.push(...planned.tasks);
    refused.push(...planned.refused);
    moves.push({ ref: baselineRef(branch), tip, old: baseline });
  }
  return { tasks, refused, moves };
}

/** The refs under `prefix`: from `view` when there is one, else listed. */
export async function refsUnder(git: Git, prefix: string, view?: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, string>> {
  return view ? new Map([...view].filter(([ref]) => ref.startsWith(prefix))) : listRefs(git, prefix);
}

function latestFor(statuses: readonly TaskStatus[], branch: string): TaskStatus | undefined {
  return statuses.filter((s) => s.branch === branch && s.spec).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt)).at(-1);
}
