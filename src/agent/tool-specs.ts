import type { ToolSpec } from "./types.ts";

/*
 * The tools follow the shapes of Codex CLI's, which coding models are trained on: a shell
 * taking an argv array, apply_patch taking Codex's patch envelope, and update_plan.
 */

export const SHELL_TOOL: ToolSpec = {
  name: "shell",
  description:
    "Runs a command in the task's worktree and returns its exit code and output. " +
    'Pass the argv as an array, e.g. ["rg", "-n", "TODO"], or ["bash", "-lc", "npm test | tail"] for shell syntax.',
  parameters: {
    type: "object",
    properties: {
      command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
      workdir: { type: "string", description: "Directory to run in, relative to the worktree root. Default: the root." },
      timeout_ms: { type: "number", description: "Timeout in milliseconds. Default 120000, at most 600000." },
    },
    required: ["command"],
    additionalProperties: false,
  },
};

export const APPLY_PATCH_TOOL: ToolSpec = {
  name: "apply_patch",
  description: [
    "Edits files with a patch. Use it for every change to a file. The patch format:",
    "*** Begin Patch",
    "*** Add File: path/new.ts      (then every line prefixed with +)",
    "*** Delete File: path/old.ts",
    "*** Update File: path/file.ts  (optionally followed by *** Move to: path/renamed.ts)",
    "@@ a line near the change, e.g. a function signature",
    " unchanged context line (prefixed with a space)",
    "-removed line",
    "+added line",
    "*** End Patch",
    "Paths are relative to the worktree root. Give about three lines of context around each change.",
  ].join("\n"),
  parameters: {
    type: "object",
    properties: { input: { type: "string", description: "The whole patch, from *** Begin Patch to *** End Patch." } },
    required: ["input"],
    additionalProperties: false,
  },
};

export const UPDATE_PLAN_TOOL: ToolSpec = {
  name: "update_plan",
  description:
    "Records your plan for multi-step work and its progress. Send the whole plan each time; " +
    "keep at most one step in_progress.",
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string", description: "Why the plan changed, if it did." },
      plan: {
        type: "array",
        items: {
          type: "object",
          properties: {
            step: { type: "string" },
            status: { type: "string", enum: ["pending", "in_progress", "completed"] },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  },
};

export const TOOL_SPECS: readonly ToolSpec[] = [SHELL_TOOL, APPLY_PATCH_TOOL, UPDATE_PLAN_TOOL];
