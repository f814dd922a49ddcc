import { addUsage } from "../budget.ts";
import { truncateOutput } from "../truncate.ts";
import type { PlanStep } from "../types.ts";
import { isObject, text, type CodexEvent, type CodexItem } from "./codex-events.ts";
import { addItem, addNote, type ExternalRun } from "./external-run.ts";

const NOTE_CHARS = 2000;

/**
 * Maps one Codex event into the run, in the transcript format of the built-in loop: agent
 * messages become assistant messages, commands `shell` call/output pairs, to-do lists the
 * plan, `turn.completed` a usage entry. A finished item is recorded once, when it completes.
 */
export function applyCodexEvent(run: ExternalRun, event: CodexEvent): void {
  switch (event.type) {
    case "thread.started":
      addNote(run, `codex thread ${event.threadId || "(no id)"} started`);
      return;
    case "turn.started":
      return;
    case "turn.completed": {
      const usage = { inputTokens: event.usage.input_tokens, outputTokens: event.usage.output_tokens, cachedTokens: event.usage.cached_input_tokens };
      run.turns += 1;
      run.usage = addUsage(run.usage, usage);
      run.failure = undefined;
      run.transcript.add({ type: "usage", turn: run.turns, usage });
      run.emit({ type: "turn", turn: run.turns, usage, elapsedMs: run.elapsedMs() });
      return;
    }
    case "turn.failed":
    case "error":
      run.failure = event.message || "(no message)";
      addNote(run, `${event.type}: ${run.failure}`);
      return;
    case "item.started":
    case "item.updated":
      if (event.item.type === "todo_list") updatePlan(run, event.item);
      else if (event.type === "item.started" && event.item.type === "command_execution") {
        run.emit({ type: "tool", name: "shell", summary: `shell: ${oneLine(text(event.item.command))}` });
      }
      return;
    case "item.completed":
      completeItem(run, event.item);
      return;
    case "unknown":
      addNote(run, `event ${event.name} (not mapped)`);
      return;
  }
}

function completeItem(run: ExternalRun, item: CodexItem): void {
  switch (item.type) {
    case "agent_message": {
      const message = text(item.text);
      if (message.trim() !== "") run.lastMessage = message;
      addItem(run, { type: "message", role: "assistant", text: message });
      return;
    }
    case "reasoning":
      addItem(run, { type: "reasoning", id: item.id, summary: [text(item.text)] });
      return;
    case "command_execution": {
      const exit = typeof item.exit_code === "number" ? String(item.exit_code) : "none";
      const output = `Exit code: ${exit} (${text(item.status) || "unknown"})\n${text(item.aggregated_output)}`;
      call(run, item, "shell", { command: text(item.command) }, output);
      return;
    }
    case "file_change": {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isObject).map((c) => `${text(c.kind) || "change"} ${text(c.path)}`) : [];
      call(run, item, "file_change", { changes: item.changes ?? [] }, `${text(item.status) || "unknown"}: ${changes.join(", ") || "no files"}`);
      return;
    }
    case "mcp_tool_call":
      call(run, item, `mcp__${text(item.server)}__${text(item.tool)}`, item.arguments ?? {}, mcpOutput(item));
      return;
    case "web_search":
      call(run, item, "web_search", { query: text(item.query) }, "searched");
      return;
    case "todo_list":
      updatePlan(run, item);
      return;
    case "error":
      addNote(run, `agent error (not fatal): ${text(item.message)}`);
      return;
    default:
      addNote(run, `item ${item.type}: ${truncateOutput(JSON.stringify(item), NOTE_CHARS)}`);
  }
}

/** A finished tool use as the built-in loop records one: a call, then its output. */
function call(run: ExternalRun, item: CodexItem, name: string, args: unknown, output: string): void {
  const callId = item.id || `${name}-${run.turns + 1}`;
  addItem(run, { type: "function_call", callId, name, arguments: JSON.stringify(args) });
  addItem(run, { type: "function_call_output", callId, output: truncateOutput(output, run.maxOutputChars) });
  run.emit({ type: "tool", name, summary: `${name}: ${oneLine(output.split("\n")[0] ?? "")}` });
}

function mcpOutput(item: CodexItem): string {
  if (isObject(item.error)) return `error: ${text(item.error.message)}`;
  const result = isObject(item.result) ? item.result : undefined;
  const content = Array.isArray(result?.content) ? result.content : [];
  const texts = content.filter(isObject).map((part) => (part.type === "text" ? text(part.text) : JSON.stringify(part)));
  return `${text(item.status) || "unknown"}\n${texts.join("\n")}`;
}

/** Codex's to-do list as the plan: done items completed, the first open one in progress. */
function updatePlan(run: ExternalRun, item: CodexItem): void {
  const entries = Array.isArray(item.items) ? item.items.filter(isObject) : [];
  let current = false;
  const plan: PlanStep[] = entries.map((entry) => {
    if (entry.completed === true) return { step: text(entry.text), status: "completed" };
    const status = current ? "pending" : "in_progress";
    current = true;
    return { step: text(entry.text), status };
  });
  if (JSON.stringify(plan) === JSON.stringify(run.plan)) return;
  run.plan = plan;
  run.transcript.add({ type: "plan", plan });
  run.emit({ type: "plan", plan });
}

function oneLine(value: string): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}
