import { applyPatch } from "./apply-patch.ts";
import { parsePlanArgs, summarizePlan, type PlanUpdate } from "./plan-tool.ts";
import { parseShellArgs, runShell, type ShellContext } from "./shell-tool.ts";
import { TOOL_SPECS } from "./tool-specs.ts";
import { truncateOutput } from "./truncate.ts";
import type { AgentTool, ToolOutcome, ToolSpec } from "./types.ts";

export { TOOL_SPECS } from "./tool-specs.ts";

export interface ToolCall {
  name: string;
  /** JSON text, as the model sent it. */
  arguments: string;
}

export interface ToolContext extends ShellContext {
  remainingMs(): number;
  /** Receives a validated plan; the loop keeps it, so the tools hold no state. */
  setPlan(update: PlanUpdate): void;
}

export type { ToolOutcome } from "./types.ts";

/**
 * Runs one tool call. Never throws: whatever goes wrong becomes text the model can read
 * and correct, so a bad call costs one turn rather than the task.
 */
export async function executeTool(call: ToolCall, ctx: ToolContext, extra: readonly AgentTool[] = []): Promise<ToolOutcome> {
  const args = parseArguments(call.arguments);
  if (typeof args === "string") {
    return { output: `${call.name}: ${args}; the arguments must be a JSON object`, summary: `${call.name}: invalid arguments` };
  }
  try {
    switch (call.name) {
      case "shell":
        return await shell(args, ctx);
      case "apply_patch":
        return await patch(args.input, ctx);
      case "update_plan":
        return plan(args, ctx);
      default: {
        const tool = extra.find((candidate) => candidate.spec.name === call.name);
        if (tool) return await tool.run(args, ctx);
        const known = toolSpecs(extra).map((spec) => spec.name).join(", ");
        return { output: `unknown tool ${JSON.stringify(call.name)}; the tools are: ${known}`, summary: `unknown tool ${call.name}` };
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { output: `${call.name} failed: ${message}`, summary: `${call.name}: error` };
  }
}

function parseArguments(text: string): Record<string, unknown> | string {
  // Chat servers send "" for a call without arguments.
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    return `arguments are ${Array.isArray(value) ? "an array" : typeof value}`;
  } catch (err) {
    return `invalid JSON arguments (${err instanceof Error ? err.message : String(err)})`;
  }
}

async function shell(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome> {
  const parsed = parseShellArgs(args);
  if (typeof parsed === "string") return { output: parsed, summary: "shell: invalid arguments" };
  // Codex-trained models also call the patch tool through the shell, as Codex CLI allows.
  const [program, patchText, ...rest] = parsed.command;
  if ((program === "apply_patch" || program === "applypatch") && patchText !== undefined && rest.length === 0) {
    return patch(patchText, ctx);
  }
  const ran = await runShell(parsed, ctx);
  return { output: ran.output, summary: `shell: ${ran.summary}` };
}

async function patch(input: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  if (typeof input !== "string") return { output: 'apply_patch: "input" must be the patch text', summary: "apply_patch: invalid arguments" };
  const result = await applyPatch(ctx.workdir, input);
  if (!result.ok) {
    return { output: `apply_patch failed: ${truncateOutput(result.error, ctx.maxOutputChars)}`, summary: "apply_patch: failed" };
  }
  const summary = result.summary.split("\n").join(", ");
  return { output: `Success. Updated the following files:\n${result.summary}`, summary: `apply_patch: ${summary}` };
}

function plan(args: Record<string, unknown>, ctx: ToolContext): ToolOutcome {
  const update = parsePlanArgs(args);
  if (typeof update === "string") return { output: update, summary: "update_plan: invalid arguments" };
  ctx.setPlan(update);
  return { output: "Plan updated", summary: `update_plan: ${summarizePlan(update.plan)}` };
}

/** Every tool the model is offered: the built-in ones first, so the prompt prefix stays stable. */
export function toolSpecs(extra: readonly AgentTool[] = []): ToolSpec[] {
  return [...TOOL_SPECS, ...extra.map((tool) => tool.spec)];
}

/** Throws when two tools share a name: the model could not tell which one it calls. */
export function checkToolNames(extra: readonly AgentTool[]): void {
  const seen = new Set<string>();
  for (const spec of toolSpecs(extra)) {
    if (seen.has(spec.name)) throw new Error(`two agent tools are named ${JSON.stringify(spec.name)}`);
    seen.add(spec.name);
  }
}
