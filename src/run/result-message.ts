import type { Identity } from "../git/commit.ts";
import type { AgentResult } from "../agent/types.ts";
import { costOf, type ModelPrice } from "../agent/pricing.ts";
import type { TaskSpec } from "../tasks/types.ts";

export function commitSubject(spec: TaskSpec): string {
  const firstLine = (spec.followUp?.instruction ?? spec.prompt).trim().split("\n")[0] ?? "";
  return spec.kind === "file" ? `codex(${spec.key}): ${firstLine}` : `codex: ${firstLine}`;
}

/** Cached input is billed at the cached price, so `cost` is what the provider charges. */
export function formatUsage(agent: AgentResult, model: string, prices?: Readonly<Record<string, ModelPrice>>): string {
  const { inputTokens, outputTokens, cachedTokens } = agent.usage;
  const cost = costOf(model, agent.usage, prices);
  const parts = [`input=${inputTokens}`, `cached=${cachedTokens}`, `output=${outputTokens}`, `turns=${agent.turns}`];
  if (cost !== undefined) parts.push(`cost=$${cost.toFixed(4)}`);
  return parts.join(" ");
}

/** The trailers of DESIGN.md §1 on every result commit, in a fixed order. */
export function commitTrailers(input: { spec: TaskSpec; agent: AgentResult; runId: string; sandbox: string; bot: Identity; prices?: Readonly<Record<string, ModelPrice>> }): [string, string][] {
  const { spec, agent } = input;
  const trailers: [string, string][] = [];
  const requester = spec.requester;
  if (requester.email && requester.email.toLowerCase() !== input.bot.email.toLowerCase()) {
    trailers.push(["Co-authored-by", `${requester.name} <${requester.email}>`]);
  }
  trailers.push(
    ["Codex-Task", spec.id],
    ["Codex-Source", requester.sha],
    ["Codex-Run", input.runId],
    ["Codex-Model", spec.settings.model],
    ["Codex-Usage", formatUsage(agent, spec.settings.model, input.prices)],
    ["Codex-Verify", agent.verify],
    ["Codex-Sandbox", input.sandbox],
  );
  return trailers;
}
