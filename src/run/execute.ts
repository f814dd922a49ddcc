import { commitWorktree, formatCommitMessage, readTaskBase, type ChangedFile, type TaskBase } from "../git/commit.ts";
import { acquireWorktree, type AcquireOptions, type PooledWorktree } from "./worktree-pool.ts";
import { buildInstructions } from "../agent/instructions.ts";
import { readAgentsChain, workdirProblem } from "../agent/agents-md.ts";
import { loadMemory, type RepoMemory } from "./memory.ts";
import { runAgent } from "../agent/loop.ts";
import { runExternalAgent } from "../agent/external/external-agent.ts";
import { pickAgentEnv } from "../agent/external/secret-env.ts";
import { unenforceableUsd } from "../agent/budget.ts";
import { contextWindowOf, promptCacheKey } from "../agent/context-window.ts";
import { BUILT_IN_MODELS } from "../agent/model-catalog.ts";
import { priceOf } from "../agent/pricing.ts";
import { taskSpending } from "./daily-spend.ts";
import type { AgentEvent, AgentResult, PlanStep, SpendLimit, TranscriptEntry } from "../agent/types.ts";
import type { Budget, TaskSpec } from "../tasks/types.ts";
import type { Deps, ExecutorRequest, RepoContext } from "./context.ts";
import { commitTrailers, commitSubject } from "./result-message.ts";
import { createSlot, removeSlot, type Slot } from "./slots.ts";
import { realpath } from "node:fs/promises";
import { join } from "node:path";
import { checkWriteScope } from "./write-scope.ts";
import { describeFindings, scanForSecrets } from "./secret-scan.ts";
import { diffResult, type ResultDiff } from "../git/tree-changes.ts";
import { secretValues } from "../util/redact.ts";
import { agentTools, type AgentToolsInput } from "./agent-tools.ts";
import { executeAttempts, type BestOf } from "./attempts.ts";

export interface Execution {
  state: "done" | "no-changes" | "failed";
  reason?: string;
  agent: TaskAgentResult;
  /** How agent commands were isolated, e.g. "none" or "bubblewrap". */
  sandbox: string;
  commit?: string;
  files?: ChangedFile[];
  /** The result was refused by the write scope or the secret scan: the commit is not pushed. */
  refused?: boolean;
  /** Best-of-N (`attempts:` above 1): every attempt, and which one won (src/run/attempts.ts). */
  bestOf?: BestOf;
  /** Transcripts of the attempts other than the one in `agent`, by attempt number. */
  attemptTranscripts?: Record<number, readonly TranscriptEntry[]>;
}

/** Runs the task once, or as best-of-N parallel attempts when it asks for `attempts:`. */
export async function executeTask(repo: RepoContext, deps: Deps, spec: TaskSpec, runId: string, signal?: AbortSignal, onPlan?: (plan: PlanStep[]) => void, pool: AcquireOptions = {}): Promise<Execution> {
  if ((spec.settings.attempts ?? 1) === 1) return executeOnce(repo, deps, spec, runId, signal, onPlan, pool);
  const input = { repo, deps, spec, runId, ...(signal ? { signal } : {}), ...(onPlan ? { onPlan } : {}) };
  return executeAttempts(input, (attempt) => executeOnce(repo, attempt.deps, attempt.spec, runId, attempt.signal, attempt.onPlan, pool));
}

/**
 * Runs the agent on `spec` in a pristine worktree outside the user's checkout (from the
 * repository's pool, see worktree-pool.ts) and commits what it left, from outside the
 * agent's reach. The worktree goes back to the pool and the task's private home and temp
 * folders are removed whatever happens.
 */
async function executeOnce(repo: RepoContext, deps: Deps, spec: TaskSpec, runId: string, signal?: AbortSignal, onPlan?: (plan: PlanStep[]) => void, pool: AcquireOptions = {}): Promise<Execution> {
  const slot = await createSlot(repo.settings.worktreeRoot, spec.id, deps);
  let created: PooledWorktree | undefined;
  // Reads that need no worktree run beside its reset; awaited (and their errors seen) below.
  const taskBase = readTaskBase(repo.git, spec.base);
  const memory = spec.settings.memory === false || spec.settings.agent ? undefined : loadMemory(repo);
  for (const early of [taskBase, memory]) early?.catch(() => undefined);
  try {
    // The model client's package loads on this thread while git checks out the worktree.
    const warm = spec.settings.agent ? undefined : () => deps.modelClient(spec.settings).warm?.();
    const worktree = await acquireWorktree(repo, spec, { ...pool, ...(warm ? { whileBusy: warm } : {}) });
    created = worktree;
    const executor = await deps.executor(await executorRequest(await taskBase, spec, slot, worktree.path));
    const { sandbox } = executor;
    if (sandbox === "none") repo.log.warn({ task: spec.id }, "agent commands run WITHOUT an OS sandbox (cleared environment, time and output limits only)");
    const prices = deps.models?.().prices;
    const usdWarning = unenforceableUsd(spec.settings.budget, spec.settings.model, prices) ?? (deps.dailySpend && !priceOf(spec.settings.model, prices) ? `no price known for model ${spec.settings.model}: the daily cap cannot count this task (add it to models.json)` : undefined);
    if (usdWarning) repo.log.warn({ task: spec.id }, usdWarning);
    if (spec.settings.network.length > 0) repo.log.warn({ task: spec.id, hosts: spec.settings.network }, "the task's network list opens all network access: the sandbox cannot restrict hosts");
    const agent = await runTaskAgent({ repo, deps, spec, workdir: worktree.path, executor, ...(signal ? { signal } : {}) }, onPlan, memory);
    if (agent.outcome !== "completed") return { state: "failed", reason: agent.reason ?? agent.outcome, agent, sandbox };
    const message = formatCommitMessage(commitSubject(spec), deps.redact(agent.finalMessage), commitTrailers({ spec, agent, runId, sandbox: executor.sandbox, bot: repo.settings.bot, ...(prices ? { prices } : {}) }));
    const commit = await commitWorktree(worktree.git, spec.base, message, repo.settings.bot, (await taskBase).tree);
    if (!commit) return { state: "no-changes", agent, sandbox };
    // An index file that does not exist: the diff need not read the repository's (see DiffOptions).
    const diff = await diffResult(repo.git, spec.base, commit, { indexFile: join(slot.dir, "no-index") });
    const files = diff.changes.map(({ status, path }) => ({ status, path }));
    // The result leaves this machine only if it stays in scope and carries no secret.
    const refused = refuseResult(deps, spec, diff);
    if (refused) return { state: "failed", reason: refused, agent, sandbox, commit, files, refused: true };
    if (agent.verify === "failed") return { state: "failed", reason: `verification failed: ${spec.settings.verify}`, agent, sandbox, commit, files };
    return { state: "done", agent, sandbox, commit, files };
  } finally {
    // A cleanup failure is logged, never put in place of the task's result.
    const warn = (error: unknown) => repo.log.warn({ task: spec.id, err: String(error) }, "could not release the task's worktree or remove its folder; the next start tries again");
    await created?.release().catch(warn);
    await removeSlot(slot).catch(warn);
  }
}

/**
 * The agent's part of a task, in the worktree and sandbox: tools started for it are stopped
 * before the bot commits, so nothing writes to the worktree while the commit is made.
 */
async function runTaskAgent(input: AgentToolsInput, onPlan?: (plan: PlanStep[]) => void, loadingMemory?: Promise<RepoMemory>): Promise<TaskAgentResult> {
  const { repo, deps, spec, workdir, executor, signal } = input;
  const taskDir = spec.settings.workdir ?? "";
  const problem = taskDir ? await workdirProblem(workdir, taskDir) : undefined;
  if (problem) throw new Error(`${problem}; fix workdir in the task file`);
  const models = deps.models?.() ?? BUILT_IN_MODELS;
  // Each request's cost goes in the daily ledger as it happens; disposing waits for the writes.
  await using spending = taskSpending(deps.dailySpend, { task: spec.id, model: spec.settings.model, prices: models.prices, onError: (err) => repo.log.warn({ task: spec.id, err: String(err) }, "could not record spending in the daily ledger") });
  const onEvent = (event: AgentEvent): void => {
    reportProgress(deps, spec.id, event);
    if (event.type === "plan") onPlan?.(event.plan);
    if (event.type === "turn" || event.type === "compaction") spending.record(event.usage);
  };
  // Another agent CLI does the work; its own tools and instructions replace ours (docs/agent.md).
  const { settings } = spec;
  if (settings.agent) {
    const agentEnv = pickAgentEnv(deps.env, repo.settings.agentEnv);
    const external = await runExternalAgent({ backend: settings.agent, executor, clock: deps.clock, model: settings.model, api: settings.api, workdir, taskDir, prompt: spec.prompt, budget: cappedBudget(settings.budget, spending.limit), verify: settings.verify, agentEnv, redact: deps.redact, onEvent, signal });
    return { ...external, memoryNotes: [] };
  }
  const memory = await loadingMemory;
  await using toolSet = await agentTools({ ...input, ...(memory ? { memory } : {}) });
  const instructions = buildInstructions({
    workdir, sandbox: executor.sandbox, verify: spec.settings.verify, taskDir, agents: await readAgentsChain(workdir, taskDir),
    ...(memory ? { memory: { branch: memory.branch, text: memory.text } } : {}), tools: toolSet.tools.map((tool) => tool.spec),
  });
  const result = await runAgent({
    client: deps.modelClient(spec.settings),
    executor,
    clock: deps.clock,
    model: spec.settings.model,
    workdir,
    instructions,
    prompt: spec.prompt,
    budget: spec.settings.budget,
    verify: spec.settings.verify,
    tools: toolSet.tools,
    prices: models.prices,
    contextWindow: contextWindowOf(spec.settings.model, models.contextWindows),
    promptCacheKey: promptCacheKey(repo.git.cwd, spec.settings.model),
    ...(spending.limit ? { spendLimit: spending.limit } : {}),
    redact: deps.redact,
    onEvent,
    ...(signal ? { signal } : {}),
  });
  return { ...result, memoryNotes: toolSet.memoryNotes() };
}

/** An external agent checks its budget itself: its dollars are capped by what is left of the day when it starts. */
function cappedBudget(budget: Budget, limit: SpendLimit | undefined): Budget {
  return limit ? { ...budget, usd: Math.min(budget.usd ?? Infinity, limit.leftUsd()) } : budget;
}

/** The agent's result and the memory notes it proposed, which the bot commits after the task is recorded. */
export interface TaskAgentResult extends AgentResult {
  memoryNotes: readonly string[];
}

function reportProgress(deps: Deps, id: string, event: AgentEvent): void {
  if (event.type !== "turn") return;
  const tokens = event.usage.inputTokens + event.usage.outputTokens;
  deps.progress?.(id, `turn ${event.turn} · ${formatTokens(tokens)} tokens · ${Math.round(event.elapsedMs / 1000)}s`);
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

async function executorRequest({ commonDir }: TaskBase, spec: TaskSpec, slot: Slot, worktreePath: string): Promise<ExecutorRequest> {
  const real = (path: string) => realpath(path);
  const worktree = await real(worktreePath);
  return { worktree, home: await real(slot.home), tmp: await real(slot.tmp), readOnly: [await real(commonDir), `${worktree}/.git`], network: spec.settings.network };
}

/** Why the result must not be pushed (protected paths, escaping symlinks, committed secrets), or undefined. */
function refuseResult(deps: Deps, spec: TaskSpec, diff: ResultDiff): string | undefined {
  const scope = checkWriteScope(diff.changes, spec.settings.allow ?? []);
  if (!scope.ok) return `refused: ${scope.problems.join("; ")}`;
  const findings = scanForSecrets(diff.added, secretValues(deps.env));
  if (findings.length > 0) return `refused: possible secrets in the result, nothing pushed: ${describeFindings(findings).join("; ")}`;
  return undefined;
}
