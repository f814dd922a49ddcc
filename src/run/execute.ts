import { changedFiles, commitWorktree, formatCommitMessage, type ChangedFile } from "../git/commit.ts";
import { createWorktree, type Worktree } from "../git/worktree.ts";
import { buildInstructions, readAgentsMd } from "../agent/instructions.ts";
import { runAgent } from "../agent/loop.ts";
import { unenforceableUsd } from "../agent/budget.ts";
import type { AgentEvent, AgentResult, PlanStep } from "../agent/types.ts";
import type { TaskSpec } from "../tasks/types.ts";
import type { Deps, ExecutorRequest, RepoContext } from "./context.ts";
import { commitTrailers, commitSubject } from "./result-message.ts";
import { createSlot, removeSlot, type Slot } from "./slots.ts";
import { realpath } from "node:fs/promises";
import { repoPaths } from "../git/remote.ts";
import { checkWriteScope } from "./write-scope.ts";
import { describeFindings, scanForSecrets } from "./secret-scan.ts";
import { treeChanges } from "../git/tree-changes.ts";
import { addedLines } from "../git/added-lines.ts";
import { secretValues } from "../util/redact.ts";
import { agentTools, type AgentToolsInput } from "./agent-tools.ts";

export interface Execution {
  state: "done" | "no-changes" | "failed";
  reason?: string;
  agent: AgentResult;
  /** How agent commands were isolated, e.g. "none" or "bubblewrap". */
  sandbox: string;
  commit?: string;
  files?: ChangedFile[];
  /** The result was refused by the write scope or the secret scan: the commit is not pushed. */
  refused?: boolean;
}

/**
 * Runs the agent on `spec` in a fresh worktree outside the user's checkout and commits
 * what it left, from outside the agent's reach. The worktree and the task's private home
 * and temp folders are removed whatever happens.
 */
export async function executeTask(repo: RepoContext, deps: Deps, spec: TaskSpec, runId: string, signal?: AbortSignal, onPlan?: (plan: PlanStep[]) => void): Promise<Execution> {
  const slot = await createSlot(repo.settings.worktreeRoot, spec.id, deps);
  let created: Worktree | undefined;
  try {
    const worktree = await createWorktree(repo.git, slot.worktree, spec.base);
    created = worktree;
    const executor = await deps.executor(await executorRequest(repo, spec, slot));
    const { sandbox } = executor;
    if (sandbox === "none") repo.log.warn({ task: spec.id }, "agent commands run WITHOUT an OS sandbox (cleared environment, time and output limits only)");
    const usdWarning = unenforceableUsd(spec.settings.budget, spec.settings.model);
    if (usdWarning) repo.log.warn({ task: spec.id }, usdWarning);
    if (spec.settings.network.length > 0) repo.log.warn({ task: spec.id, hosts: spec.settings.network }, "the task's network list opens all network access: the sandbox cannot restrict hosts");
    const agent = await runTaskAgent({ repo, deps, spec, workdir: worktree.path, executor, ...(signal ? { signal } : {}) }, onPlan);
    if (agent.outcome !== "completed") return { state: "failed", reason: agent.reason ?? agent.outcome, agent, sandbox };
    const message = formatCommitMessage(commitSubject(spec), deps.redact(agent.finalMessage), commitTrailers({ spec, agent, runId, sandbox: executor.sandbox, bot: repo.settings.bot }));
    const commit = await commitWorktree(worktree.git, spec.base, message, repo.settings.bot);
    if (!commit) return { state: "no-changes", agent, sandbox };
    const files = await changedFiles(repo.git, spec.base, commit);
    // The result leaves this machine only if it stays in scope and carries no secret.
    const refused = await refuseResult(repo, deps, spec, commit);
    if (refused) return { state: "failed", reason: refused, agent, sandbox, commit, files, refused: true };
    if (agent.verify === "failed") return { state: "failed", reason: `verification failed: ${spec.settings.verify}`, agent, sandbox, commit, files };
    return { state: "done", agent, sandbox, commit, files };
  } finally {
    // A cleanup failure is logged, never put in place of the task's result.
    const warn = (error: unknown) => repo.log.warn({ task: spec.id, err: String(error) }, "could not remove the task's worktree or folder; the next start tries again");
    await created?.remove().catch(warn);
    await removeSlot(slot).catch(warn);
  }
}

/**
 * The agent's part of a task, in the worktree and sandbox: tools started for it are stopped
 * before the bot commits, so nothing writes to the worktree while the commit is made.
 */
async function runTaskAgent(input: AgentToolsInput, onPlan?: (plan: PlanStep[]) => void): Promise<AgentResult> {
  const { deps, spec, workdir, executor, signal } = input;
  await using toolSet = await agentTools(input);
  return runAgent({
    client: deps.modelClient(spec.settings),
    executor,
    clock: deps.clock,
    model: spec.settings.model,
    workdir,
    instructions: buildInstructions({ workdir, sandbox: executor.sandbox, verify: spec.settings.verify, agentsMd: await readAgentsMd(workdir) }),
    prompt: spec.prompt,
    budget: spec.settings.budget,
    verify: spec.settings.verify,
    tools: toolSet.tools,
    redact: deps.redact,
    onEvent: (event) => {
      reportProgress(deps, spec.id, event);
      if (event.type === "plan") onPlan?.(event.plan);
    },
    ...(signal ? { signal } : {}),
  });
}

function reportProgress(deps: Deps, id: string, event: AgentEvent): void {
  if (event.type !== "turn") return;
  const tokens = event.usage.inputTokens + event.usage.outputTokens;
  deps.progress?.(id, `turn ${event.turn} · ${formatTokens(tokens)} tokens · ${Math.round(event.elapsedMs / 1000)}s`);
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

async function executorRequest(repo: RepoContext, spec: TaskSpec, slot: Slot): Promise<ExecutorRequest> {
  const real = (path: string) => realpath(path);
  const { commonDir } = await repoPaths(repo.git);
  const worktree = await real(slot.worktree);
  return { worktree, home: await real(slot.home), tmp: await real(slot.tmp), readOnly: [await real(commonDir), `${worktree}/.git`], network: spec.settings.network };
}

/** Why the result must not be pushed (protected paths, escaping symlinks, committed secrets), or undefined. */
async function refuseResult(repo: RepoContext, deps: Deps, spec: TaskSpec, commit: string): Promise<string | undefined> {
  const scope = checkWriteScope(await treeChanges(repo.git, spec.base, commit), spec.settings.allow ?? []);
  if (!scope.ok) return `refused: ${scope.problems.join("; ")}`;
  const findings = scanForSecrets(await addedLines(repo.git, spec.base, commit), secretValues(deps.env));
  if (findings.length > 0) return `refused: possible secrets in the result, nothing pushed: ${describeFindings(findings).join("; ")}`;
  return undefined;
}
