import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ProcessResult } from "../util/process.ts";
import type { CommandExecutor } from "./types.ts";
import { truncateOutput } from "./truncate.ts";

export const DEFAULT_SHELL_TIMEOUT_MS = 120_000;
export const MAX_SHELL_TIMEOUT_MS = 600_000;

export interface ShellArgs {
  command: string[];
  workdir?: string;
  timeoutMs: number;
}

export interface ShellContext {
  workdir: string;
  executor: CommandExecutor;
  maxOutputChars: number;
  signal?: AbortSignal;
  /** Milliseconds left in the task's time budget: no command runs longer. */
  remainingMs?: () => number;
}

/** Reads the model's arguments, or says what is wrong with them. */
export function parseShellArgs(args: Record<string, unknown>): ShellArgs | string {
  const { command, workdir, timeout_ms: timeout } = args;
  // Chat-tuned models often send one string; run it the way they meant it.
  const argv = typeof command === "string" ? ["bash", "-lc", command] : command;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((part) => typeof part === "string")) {
    return 'shell: "command" must be a non-empty array of strings, e.g. ["ls", "-la"]';
  }
  if (workdir !== undefined && typeof workdir !== "string") return 'shell: "workdir" must be a string';
  const asked = typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_SHELL_TIMEOUT_MS;
  return { command: argv, timeoutMs: Math.min(Math.round(asked), MAX_SHELL_TIMEOUT_MS), ...(workdir ? { workdir } : {}) };
}

/**
 * Resolves `workdir` inside the worktree, following symlinks, so a command cannot be
 * pointed at the rest of the disk (the sandbox enforces that too; this explains it).
 */
export async function resolveWorkdir(root: string, workdir: string | undefined): Promise<{ cwd: string } | { error: string }> {
  const rootReal = await realpath(root);
  const shown = JSON.stringify(workdir);
  const outside = { error: `shell: workdir ${shown} is outside the worktree; use a path inside ${rootReal}` };
  const wanted = resolve(rootReal, workdir ?? ".");
  if (!isInside(rootReal, wanted)) return outside;
  let real: string;
  try {
    real = await realpath(wanted);
    if (!(await stat(real)).isDirectory()) return { error: `shell: workdir ${shown} is not a directory` };
  } catch {
    return { error: `shell: workdir ${shown} does not exist` };
  }
  // A symlink inside the worktree may still lead out of it.
  return isInside(rootReal, real) ? { cwd: real } : outside;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

export async function runShell(args: ShellArgs, ctx: ShellContext): Promise<{ output: string; summary: string }> {
  const place = await resolveWorkdir(ctx.workdir, args.workdir);
  const shown = describeCommand(args.command);
  if ("error" in place) return { output: place.error, summary: `${shown} (rejected workdir)` };
  // A command never outlives the task's time budget, whatever timeout the model asked for.
  const timeoutMs = Math.max(1, Math.min(args.timeoutMs, ctx.remainingMs?.() ?? args.timeoutMs));
  const result = await ctx.executor.run({ argv: args.command, cwd: place.cwd, timeoutMs, signal: ctx.signal });
  return {
    output: formatShellResult(result, timeoutMs, ctx.maxOutputChars),
    summary: `${shown} → ${result.exitCode ?? (result.timedOut ? "timed out" : "killed")}`,
  };
}

/** The shape Codex gives its models: exit code, wall time, then the output. */
export function formatShellResult(result: ProcessResult, timeoutMs: number, maxChars: number): string {
  const lines = [`Exit code: ${result.exitCode ?? "none"}`, `Wall time: ${(result.durationMs / 1000).toFixed(1)} seconds`];
  if (result.spawnError !== undefined) lines.push(`Could not start the command: ${result.spawnError}`);
  if (result.timedOut) lines.push(`Timed out after ${timeoutMs} ms and was killed.`);
  else if (result.aborted) lines.push("Aborted: the task is being stopped.");
  else if (result.signal) lines.push(`Killed by ${result.signal}.`);
  if (result.truncated) lines.push("The output was cut by the process runner's cap.");
  const joiner = result.stdout && result.stderr && !result.stdout.endsWith("\n") ? "\n" : "";
  lines.push("Output:", truncateOutput(result.stdout + joiner + result.stderr, maxChars));
  return lines.join("\n");
}

export function describeCommand(argv: readonly string[]): string {
  const text = argv.length === 3 && argv[1] === "-lc" ? (argv[2] ?? "") : argv.join(" ");
  const line = text.replaceAll(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
