import { readFile } from "node:fs/promises";
import type { ProcessResult } from "../util/process.ts";
import { ConfigError } from "../run/errors.ts";
import { servicePaths, type ServicePaths } from "./paths.ts";
import { serviceEnvironment } from "./environment.ts";
import type { ServiceSpec } from "./systemd.ts";

/** Everything `git codex service …` touches, passed in so tests can point it anywhere. */
export interface ServiceContext {
  platform: NodeJS.Platform;
  home: string;
  /** The caller's environment; only locations (PATH, HOME, XDG_*) reach the service file. */
  env: Record<string, string | undefined>;
  node: string;
  cli: string;
  args: string[];
  run: (file: string, args: string[]) => Promise<ProcessResult>;
  out: NodeJS.WritableStream;
}

export function contextPaths(ctx: ServiceContext): ServicePaths {
  return servicePaths(ctx.home, ctx.env);
}

export function serviceSpec(ctx: ServiceContext): ServiceSpec {
  return { node: ctx.node, cli: ctx.cli, args: ctx.args, env: serviceEnvironment(ctx.env) };
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The first line of what a failed command said: the one that usually says why. */
export function reason(result: ProcessResult): string {
  const text = `${result.stderr}\n${result.stdout}`.trim();
  return text.split("\n").map((line) => line.trim()).filter(Boolean).at(0) ?? result.spawnError ?? `exit code ${result.exitCode}`;
}

/** Runs a command that must succeed; a failure says what ran, what it said, and where to look. */
export async function runChecked(ctx: ServiceContext, file: string, args: string[], hint: string): Promise<ProcessResult> {
  const result = await ctx.run(file, args);
  if (result.exitCode === 0) return result;
  throw commandFailed(file, args, result, hint);
}

export function commandFailed(file: string, args: string[], result: ProcessResult, hint: string): ConfigError {
  return new ConfigError(`${[file, ...args].join(" ")} failed: ${reason(result)}`, hint);
}

/** Lines telling the user what the daemon still needs: an API key and repositories. */
export async function nextSteps(ctx: ServiceContext, paths: ServicePaths): Promise<string> {
  const lines: string[] = [];
  if ((await readIfExists(paths.envFile)) === undefined) {
    const where = ctx.env.OPENAI_API_KEY ? "OPENAI_API_KEY is set in this shell, but the service does not see it" : "the service has no OPENAI_API_KEY yet";
    lines.push(`Note: ${where}: put OPENAI_API_KEY=... in ${paths.envFile} (chmod 600).`);
  }
  // Paths among the arguments mean the daemon does not read the repos file.
  const watchesDefaults = !ctx.args.slice(1).some((arg) => arg.startsWith("/"));
  if (watchesDefaults && !(await readIfExists(paths.reposFile))?.trim()) {
    lines.push(`Note: no repositories yet: add absolute paths to ${paths.reposFile}, one per line.`);
  }
  return lines.map((line) => `${line}\n`).join("");
}
