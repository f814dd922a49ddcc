import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { configEntries, repoPaths, type ConfigEntry, type RepoPaths } from "../git/remote.ts";
import type { Git } from "../git/runner.ts";
import type { RepoSettings } from "../run/context.ts";
import { ConfigError } from "../run/errors.ts";
import type { Api, TaskSettings, TrustPolicy } from "../tasks/types.ts";

export const DEFAULT_BOT = { name: "git-codex", email: "git-codex@noreply.invalid" };
const DEFAULT_SINCE_SECONDS = 24 * 60 * 60;

export function xdgDir(env: Record<string, string | undefined>, kind: "cache" | "state" | "config"): string {
  const variable = { cache: "XDG_CACHE_HOME", state: "XDG_STATE_HOME", config: "XDG_CONFIG_HOME" }[kind];
  const fallback = { cache: ".cache", state: ".local/state", config: ".config" }[kind];
  return join(env[variable] || join(env.HOME || homedir(), fallback), "git-codex");
}

/** Parses "30s", "15m", "24h", "7d" (or plain seconds). */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? "s") as "s"];
  return Number(match[1]) * unit;
}

export function envSettings(env: Record<string, string | undefined>): Partial<TaskSettings> {
  const settings: Partial<TaskSettings> = {};
  if (env.GIT_CODEX_MODEL) settings.model = env.GIT_CODEX_MODEL;
  const api = env.GIT_CODEX_API;
  if (api) {
    if (api !== "responses" && api !== "chat") throw new ConfigError(`GIT_CODEX_API is "${api}"`, `set it to "responses" or "chat"`);
    settings.api = api as Api;
  }
  return settings;
}

/** Settings of the repository in `git.cwd`, from `git config codex.*` and the environment. */
export async function loadRepoSettings(git: Git, env: Record<string, string | undefined>, overrides: { since?: string } = {}): Promise<RepoSettings> {
  const [paths, entries] = await Promise.all([repoPaths(git), configEntries(git, "^codex\\.")]);
  return repoSettings(paths, entries, env, overrides);
}

/** The settings from the repository's paths and its `codex.*` config entries (others are ignored); a ConfigError names a bad value. */
export function repoSettings(paths: RepoPaths, entries: readonly ConfigEntry[], env: Record<string, string | undefined>, overrides: { since?: string } = {}): RepoSettings {
  const config = codexConfig(entries);
  const read = (key: string): string | undefined => config.get(key.toLowerCase())?.at(-1);
  const watch = config.get("watch") ?? [];
  const sinceText = overrides.since ?? read("since");
  const sinceSeconds = sinceText === undefined ? DEFAULT_SINCE_SECONDS : parseDuration(sinceText);
  if (sinceSeconds === undefined) throw new ConfigError(`the since window "${sinceText}" is not a duration`, `use a number with s, m, h or d, e.g. 24h`);
  const branchPrefix = read("branchPrefix") ?? "codex/";
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/.test(branchPrefix) || branchPrefix.includes("..")) {
    throw new ConfigError(`codex.branchPrefix "${branchPrefix}" is not a branch folder`, `use something like "codex/" (ending in a slash)`);
  }
  const repoKey = `${basename(paths.topLevel)}-${createHash("sha256").update(paths.commonDir).digest("hex").slice(0, 10)}`;
  return {
    remote: read("remote") ?? "origin",
    watch,
    branchPrefix,
    bot: { name: read("botName") ?? DEFAULT_BOT.name, email: read("botEmail") ?? DEFAULT_BOT.email },
    sinceSeconds,
    envSettings: envSettings(env),
    worktreeRoot: join(xdgDir(env, "cache"), "worktrees", repoKey),
    stateDir: xdgDir(env, "state"),
    trust: trustPolicy(config),
    prComments: booleanSetting(config, "prComments", false),
    agentEnv: agentEnvNames(config),
  };
}

/** `codex.trustAuthor` (emails or globs, repeatable) and `codex.trustSigned` (a git boolean). */
export function trustPolicy(config: ReadonlyMap<string, readonly string[]>): TrustPolicy {
  const authors = (config.get("trustauthor") ?? []).map((value) => value.trim()).filter((value) => value !== "");
  const signedText = config.get("trustsigned")?.at(-1);
  const signed = signedText === undefined ? false : gitBoolean(signedText);
  if (signed === undefined) throw new ConfigError(`codex.trustSigned is "${signedText}", not a boolean`, "set it to true or false");
  return { authors, signed };
}

/**
 * `codex.agentEnv`: variable names (repeatable; a value may list several, separated by
 * spaces or commas) whose values this machine gives to external agent backends only.
 */
export function agentEnvNames(config: ReadonlyMap<string, readonly string[]>): string[] {
  const names = (config.get("agentenv") ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((name) => name !== "");
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (bad !== undefined) throw new ConfigError(`codex.agentEnv holds "${bad}", not a variable name`, "list names only, e.g. git config --add codex.agentEnv OPENAI_API_KEY");
  return [...new Set(names)];
}

/** A `codex.*` boolean (git's spellings); anything else is a ConfigError that names the key. */
function booleanSetting(config: ReadonlyMap<string, readonly string[]>, key: string, fallback: boolean): boolean {
  const text = config.get(key.toLowerCase())?.at(-1);
  if (text === undefined) return fallback;
  const value = gitBoolean(text);
  if (value === undefined) throw new ConfigError(`codex.${key} is "${text}", not a boolean`, "set it to true or false");
  return value;
}

/** A value as git reads a boolean: true/yes/on/1 (or any non-zero number), false/no/off/0/empty. */
function gitBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (["true", "yes", "on"].includes(value)) return true;
  if (["false", "no", "off", ""].includes(value)) return false;
  return /^[+-]?\d+$/.test(value) ? Number(value) !== 0 : undefined;
}

/** Every `codex.*` setting: lower-cased key → values in order. */
function codexConfig(entries: readonly ConfigEntry[]): Map<string, string[]> {
  const config = new Map<string, string[]>();
  for (const { key: name, value } of entries) {
    if (!name.startsWith("codex.")) continue;
    const key = name.slice("codex.".length).toLowerCase();
    // A key written without "=" (`[codex] trustSigned`) has no value: git reads it as true.
    config.set(key, [...(config.get(key) ?? []), value ?? "true"]);
  }
  return config;
}
