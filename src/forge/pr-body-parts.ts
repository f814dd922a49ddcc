/**
 * The sections of a pull request body, each a pure function of plain data returning
 * Markdown. Text that came from the model or a person goes through `text()` first: secrets
 * scrubbed, @mentions defused so a summary cannot ping anyone.
 */
import type { PlanStep, Usage, VerifyResult } from "../agent/types.ts";
import type { Redactor } from "../util/redact.ts";

export const MAX_FILES = 100;
export const MAX_PLAN_STEPS = 50;
export const MAX_SUMMARY_CHARS = 20_000;
export const MAX_PROMPT_CHARS = 4_000;

/** Scrubbed, mention-free, capped text from the model or a person. */
export function text(value: string, redact: Redactor, max = MAX_SUMMARY_CHARS): string {
  const clean = redact(value).replace(/@(?=[A-Za-z0-9])/g, "@\u200b").trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function oneLine(value: string, redact: Redactor): string {
  return text(value.replace(/\s+/g, " "), redact, 300);
}

/** An inline code span that survives backticks in its content. */
export function code(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** Hidden in the rendered page; says which task wrote the body. */
export function taskMarker(taskId: string): string {
  return `<!-- git-codex:task=${taskId.replace(/--+>?|[<>\s]/g, "_")} -->`;
}

export function taskIdFromBody(body: string): string | undefined {
  return /<!-- git-codex:task=(\S+) -->/.exec(body)?.[1];
}

export function runningNote(): string {
  return "> [!NOTE]\n> git-codex is still working on this task; this description follows its progress.";
}

export function promptSection(prompt: string, redact: Redactor): string {
  const quoted = text(prompt, redact, MAX_PROMPT_CHARS).split("\n").map((line) => `> ${line}`.trimEnd());
  return ["## Task", "", ...quoted].join("\n");
}

export function summarySection(summary: string | undefined, redact: Redactor): string {
  const body = summary?.trim() ? text(summary, redact) : "_The agent left no summary._";
  return `## Summary\n\n${body}`;
}

export function planSection(plan: readonly PlanStep[] | undefined, redact: Redactor): string | undefined {
  if (!plan || plan.length === 0) return undefined;
  const lines = plan.slice(0, MAX_PLAN_STEPS).map((step) => {
    const mark = step.status === "completed" ? "x" : " ";
    const note = step.status === "in_progress" ? " _(in progress)_" : "";
    return `- [${mark}] ${oneLine(step.step, redact)}${note}`;
  });
  if (plan.length > MAX_PLAN_STEPS) lines.push(`- … and ${plan.length - MAX_PLAN_STEPS} more steps`);
  return ["## Plan", "", ...lines].join("\n");
}

const STATUS_WORDS: Record<string, string> = { A: "added", M: "modified", D: "deleted", T: "type changed", R: "renamed", C: "copied" };

export function filesSection(files: readonly { status: string; path: string }[] | undefined, redact: Redactor): string | undefined {
  if (!files || files.length === 0) return undefined;
  const lines = files.slice(0, MAX_FILES).map((file) => `- ${STATUS_WORDS[file.status.charAt(0)] ?? file.status}: ${code(redact(file.path))}`);
  if (files.length > MAX_FILES) lines.push(`- … and ${files.length - MAX_FILES} more`);
  return [`## Files changed (${files.length})`, "", ...lines].join("\n");
}

export function verifySection(verify: VerifyResult | undefined, command: string | undefined, redact: Redactor): string | undefined {
  if (verify === undefined) return undefined;
  const shown = command?.trim() ? ` ${code(oneLine(command, redact))}` : "";
  const line =
    verify === "passed" ? `✅ Passed:${shown}`
    : verify === "failed" ? `❌ Failed:${shown}. Read the transcript for its output before merging.`
    : shown ? `Skipped:${shown} did not run.` : "Skipped: the task has no `verify` command.";
  return `## Verification\n\n${line}`;
}

export interface UsageFacts {
  usage?: Usage & { costUsd?: number };
  turns?: number;
  model?: string;
}

export function usageSection(facts: UsageFacts): string | undefined {
  const { usage, turns, model } = facts;
  if (!usage && turns === undefined) return undefined;
  const parts: string[] = [];
  if (usage) {
    const cached = usage.cachedTokens > 0 ? ` (${count(usage.cachedTokens)} cached)` : "";
    parts.push(`${count(usage.inputTokens)} input tokens${cached}`, `${count(usage.outputTokens)} output tokens`);
  }
  if (turns !== undefined) parts.push(`${turns} ${turns === 1 ? "turn" : "turns"}`);
  if (model) parts.push(`model ${code(model)}`);
  if (usage?.costUsd !== undefined) parts.push(`about $${usage.costUsd.toFixed(2)}`);
  return `## Usage\n\n${parts.join(" · ")}`;
}

function count(value: number): string {
  return value.toLocaleString("en-US");
}

export interface SourceFacts {
  /** The commit that asked for the task. */
  sha: string;
  /** The branch it was on, without refs/heads/. */
  ref?: string;
}

export function footer(taskId: string, source: SourceFacts | undefined, redact: Redactor): string {
  const lines = ["---"];
  if (source) lines.push(`Source: commit ${source.sha}${source.ref ? ` on ${code(redact(source.ref))}` : ""}`);
  lines.push(`How to read the transcript: ${code(`git codex show ${taskId}`)}`);
  return lines.join("\n\n");
}
