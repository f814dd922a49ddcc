/**
 * A result's pull request title and body, from plain data. Pure, so the body written while
 * the task runs and the one written when it ends come from the same function.
 */
import type { PlanStep, VerifyResult } from "../agent/types.ts";
import type { Redactor } from "../util/redact.ts";
import {
  filesSection, footer, planSection, promptSection, runningNote, summarySection, taskMarker, usageSection, verifySection,
  type SourceFacts, type UsageFacts,
} from "./pr-body-parts.ts";

export interface PullRequestBodyInput extends UsageFacts {
  taskId: string;
  /** True while the agent works: a note on top, and the plan as it stands. */
  running?: boolean;
  prompt?: string;
  summary?: string;
  plan?: readonly PlanStep[];
  files?: readonly { status: string; path: string }[];
  verify?: VerifyResult;
  /** The verify command, shown with its result. */
  verifyCommand?: string;
  source?: SourceFacts;
}

/** GitHub refuses bodies over 65 536 characters; leave room for its own accounting. */
export const MAX_BODY_CHARS = 60_000;
export const MAX_TITLE_CHARS = 256;

export function buildPullRequestBody(input: PullRequestBodyInput, redact: Redactor): string {
  const sections = [
    taskMarker(input.taskId),
    input.running ? runningNote() : undefined,
    input.running && !input.summary ? undefined : summarySection(input.summary, redact),
    input.prompt ? promptSection(input.prompt, redact) : undefined,
    planSection(input.plan, redact),
    filesSection(input.files, redact),
    verifySection(input.verify, input.verifyCommand, redact),
    usageSection(input),
    footer(input.taskId, input.source, redact),
  ].filter((section): section is string => section !== undefined);
  const body = `${sections.join("\n\n")}\n`;
  if (body.length <= MAX_BODY_CHARS) return body;
  // Only a huge summary or file list gets here; cut the middle, keep the footer.
  const end = `\n\n…(cut to fit GitHub's limit)\n\n${footer(input.taskId, input.source, redact)}\n`;
  return body.slice(0, MAX_BODY_CHARS - end.length) + end;
}

/** One line, scrubbed, within GitHub's limit. */
export function pullRequestTitle(title: string, redact: Redactor): string {
  const line = redact(title).replace(/\s+/g, " ").trim();
  return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1)}…` : line;
}
