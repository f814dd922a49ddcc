import { costOf } from "../agent/pricing.ts";
import { addUsage } from "../agent/budget.ts";
import type { AgentOutcome, PlanStep, TranscriptEntry, Usage, VerifyResult } from "../agent/types.ts";
import { commitTree, formatCommitMessage } from "../git/commit.ts";
import { assertNotOption } from "../git/runner.ts";
import type { TaskSpec } from "../tasks/types.ts";
import type { Deps, RepoContext } from "./context.ts";
import type { Execution } from "./execute.ts";
import { commitSubject, commitTrailers } from "./result-message.ts";

export interface DiffStat {
  files: number;
  added: number;
  removed: number;
}

/** One attempt of a best-of-N task, as status.json records it (`bestOf.attempts`). */
export interface AttemptRecord {
  n: number;
  state: Execution["state"];
  outcome: AgentOutcome;
  reason?: string;
  verify: VerifyResult;
  usage: Usage;
  costUsd?: number;
  turns: number;
  diffStat?: DiffStat;
  /** The attempt's own commit, kept only in this machine's object store (never pushed but the winner's). */
  commit?: string;
}

export interface BestOf {
  /** The attempt whose result was committed and pushed; absent when none won. */
  winner?: number;
  attempts: AttemptRecord[];
}

export interface AttemptInput {
  n: number;
  /** The task as this attempt runs it: its own prompt line and share of the budget. */
  spec: TaskSpec;
  deps: Deps;
  signal: AbortSignal;
  onPlan?: (plan: PlanStep[]) => void;
}

export interface AttemptsInput {
  repo: RepoContext;
  deps: Deps;
  spec: TaskSpec;
  runId: string;
  signal?: AbortSignal;
  onPlan?: (plan: PlanStep[]) => void;
}

/**
 * Best-of-N: `spec.settings.attempts` runs of the task at once, each in its own worktree,
 * sandbox and slot (`runAttempt` is executeTask's single run). With a verify command the
 * first attempt to finish verified with a change wins and the others are stopped; without
 * one, every attempt finishes and the smallest change (by changed lines) wins. Only the
 * winner's commit is returned, rebuilt so its trailers count what all attempts spent.
 */
export async function executeAttempts(input: AttemptsInput, runAttempt: (attempt: AttemptInput) => Promise<Execution>): Promise<Execution> {
  const { spec, signal } = input;
  const count = spec.settings.attempts ?? 1;
  const stops = Array.from({ length: count }, () => new AbortController());
  const stopAll = (): void => stops.forEach((stop) => stop.abort("interrupted"));
  signal?.addEventListener("abort", stopAll, { once: true });
  if (signal?.aborted) stopAll();
  let first: number | undefined;
  const settled = await Promise.all(stops.map(async (stop, i): Promise<Execution | Error> => {
    const n = i + 1;
    try {
      const execution = await runAttempt({ n, spec: attemptSpec(spec, n, count), deps: attemptDeps(input.deps, n), signal: stop.signal, ...(n === 1 && input.onPlan ? { onPlan: input.onPlan } : {}) });
      if (first === undefined && spec.settings.verify && passed(execution)) {
        first = n;
        stops.forEach((other, j) => j !== i && other.abort("another attempt passed"));
      }
      return execution;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }));
  signal?.removeEventListener("abort", stopAll);
  const executions = settled.filter((result): result is Execution => !(result instanceof Error));
  if (executions.length === 0) throw settled[0];
  const stats = await Promise.all(settled.map((result) => (result instanceof Error || !result.commit ? undefined : diffStat(input.repo, spec.base, result.commit))));
  const winner = first ?? (spec.settings.verify ? undefined : smallest(settled, stats));
  const prices = input.deps.models?.().prices;
  const records = settled.map((result, i) => attemptRecord(i + 1, result, stats[i], (usage) => costOf(spec.settings.model, usage, prices), winner));
  return outcome(input, settled, records, winner);
}

function passed(execution: Execution): boolean {
  return execution.state === "done" && execution.agent.verify === "passed" && execution.commit !== undefined;
}

/** Without verify: the completed attempt with the fewest changed lines (then the lowest number). */
function smallest(settled: (Execution | Error)[], stats: (DiffStat | undefined)[]): number | undefined {
  let best: { n: number; lines: number } | undefined;
  settled.forEach((result, i) => {
    const stat = stats[i];
    if (result instanceof Error || result.state !== "done" || !stat) return;
    const lines = stat.added + stat.removed;
    if (!best || lines < best.lines) best = { n: i + 1, lines };
  });
  return best?.n;
}

async function outcome(input: AttemptsInput, settled: (Execution | Error)[], records: AttemptRecord[], winner: number | undefined): Promise<Execution> {
  const executions = settled.filter((result): result is Execution => !(result instanceof Error));
  const usage = executions.reduce((sum, e) => addUsage(sum, e.agent.usage), { inputTokens: 0, outputTokens: 0, cachedTokens: 0 });
  const turns = executions.reduce((sum, e) => sum + e.agent.turns, 0);
  // The winner's transcript is transcript.jsonl; without one, the first attempt that ran stands in.
  const lead = winner ?? settled.findIndex((result) => !(result instanceof Error)) + 1;
  const chosen = settled[lead - 1] as Execution;
  const agent = { ...chosen.agent, usage, turns };
  const transcripts: Record<number, readonly TranscriptEntry[]> = {};
  settled.forEach((result, i) => {
    if (i + 1 !== lead && !(result instanceof Error)) transcripts[i + 1] = result.agent.transcript;
  });
  const base = { agent, sandbox: chosen.sandbox, bestOf: { ...(winner ? { winner } : {}), attempts: records }, attemptTranscripts: transcripts };
  if (winner !== undefined && chosen.commit) {
    const commit = await recommit(input, chosen, agent, winner);
    return { ...base, state: "done", commit, ...(chosen.files ? { files: chosen.files } : {}) };
  }
  // Shutdown stopped every attempt: the task is interrupted and runs again.
  if (input.signal?.aborted) return { ...base, state: "failed", reason: chosen.reason ?? "interrupted", agent: { ...agent, outcome: "aborted" } };
  if (records.every((record) => record.state === "no-changes")) return { ...base, state: "no-changes" };
  const reasons = records.map((record) => `attempt ${record.n}: ${record.reason ?? record.state}`).join("; ");
  return { ...base, state: "failed", reason: `no attempt of ${records.length} succeeded: ${reasons}` };
}

/** The winner's tree, committed again with trailers that count every attempt. */
async function recommit(input: AttemptsInput, chosen: Execution, agent: Execution["agent"], winner: number): Promise<string> {
  const { repo, deps, spec } = input;
  const prices = deps.models?.().prices;
  const trailers = commitTrailers({ spec, agent, runId: input.runId, sandbox: chosen.sandbox, bot: repo.settings.bot, ...(prices ? { prices } : {}) });
  trailers.push(["Codex-Attempt", `${winner} of ${spec.settings.attempts ?? 1}`]);
  const message = formatCommitMessage(commitSubject(spec), deps.redact(agent.finalMessage), trailers);
  return commitTree(repo.git, `${assertNotOption(chosen.commit ?? "", "commit")}^{tree}`, [spec.base], message, repo.settings.bot);
}

function attemptRecord(n: number, result: Execution | Error, stat: DiffStat | undefined, costOfUsage: (usage: Usage) => number | undefined, winner: number | undefined): AttemptRecord {
  if (result instanceof Error) return { n, state: "failed", outcome: "model-error", reason: result.message, verify: "skipped", usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0 }, turns: 0 };
  const { agent } = result;
  const cost = costOfUsage(agent.usage);
  const stopped = agent.outcome === "aborted" && winner !== undefined && winner !== n;
  const reason = stopped ? `stopped: attempt ${winner} passed first` : result.reason;
  return {
    n, state: result.state, outcome: agent.outcome, ...(reason ? { reason } : {}), verify: agent.verify, usage: agent.usage,
    ...(cost === undefined ? {} : { costUsd: cost }), turns: agent.turns, ...(stat ? { diffStat: stat } : {}), ...(result.commit ? { commit: result.commit } : {}),
  };
}

/** Attempt n's task: a line that tells the attempts apart, and its share of a token or dollar budget. */
export function attemptSpec(spec: TaskSpec, n: number, count: number): TaskSpec {
  const budget = { ...spec.settings.budget };
  if (budget.tokens !== undefined) budget.tokens = Math.max(1, Math.floor(budget.tokens / count));
  if (budget.usd !== undefined) budget.usd = budget.usd / count;
  const note = `(Attempt ${n} of ${count}: independent attempts at this task run in parallel and the best result is kept.)`;
  return { ...spec, prompt: `${spec.prompt.trimEnd()}\n\n${note}`, settings: { ...spec.settings, budget } };
}

function attemptDeps(deps: Deps, n: number): Deps {
  const { progress } = deps;
  return progress ? { ...deps, progress: (id, line) => progress(id, `attempt ${n}: ${line}`) } : deps;
}

/** Changed files and lines between two commits; a binary file counts as a file without lines. */
async function diffStat(repo: RepoContext, from: string, to: string): Promise<DiffStat> {
  const text = await repo.git.run(["diff", "--numstat", "--no-renames", assertNotOption(from, "from"), assertNotOption(to, "to"), "--"]);
  const stat: DiffStat = { files: 0, added: 0, removed: 0 };
  for (const line of text.split("\n")) {
    const [added, removed] = line.split("\t");
    if (added === undefined || removed === undefined) continue;
    stat.files += 1;
    stat.added += Number(added) || 0;
    stat.removed += Number(removed) || 0;
  }
  return stat;
}
