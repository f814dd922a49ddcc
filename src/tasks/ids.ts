import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import type { FileTaskDefinition, TaskSettings } from "./types.ts";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Lowercase ASCII words joined by "-", at most `max` characters; "task" when nothing is left. */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "") // "Café" → "cafe" rather than "caf-"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, Math.max(0, max))
    .replace(/-+$/, "");
  return slug === "" ? "task" : slug;
}

/**
 * Identity of a file task's version: the hash of what changes its result once defaults are
 * applied. `pr` and `schedule` are left out, so changing how a result is published or when
 * it runs again does not run an unchanged task once more. `allow` is in, so allowing a
 * path a result was refused for runs the task again; an empty one is left out, which keeps
 * the hashes of tasks written before `allow` existed (as are the later optional settings).
 */
export function definitionHash(def: FileTaskDefinition, defaults: TaskSettings): string {
  const effective = {
    prompt: def.prompt,
    model: def.model ?? defaults.model,
    api: def.api ?? defaults.api,
    verify: def.verify ?? defaults.verify,
    budget: { ...defaults.budget, ...def.budget },
    network: def.network ?? defaults.network ?? [],
  };
  const allow = [...new Set(def.allow ?? defaults.allow ?? [])].sort();
  return sha256Hex(canonicalJson({ ...effective, ...(allow.length > 0 ? { allow } : {}), ...optionalIdentity(def, defaults) }));
}

/**
 * Settings added after the first release change what a task does, so they are part of its
 * version, but only when set: the ids of tasks written before they existed stay the same.
 */
function optionalIdentity(def: FileTaskDefinition, defaults: TaskSettings): Record<string, unknown> {
  const mcp = def.mcp || defaults.mcp ? { ...defaults.mcp, ...def.mcp } : undefined;
  const agent = def.agent ?? defaults.agent;
  const attempts = def.attempts ?? defaults.attempts;
  const candidates: Record<string, unknown> = {
    workdir: def.workdir ?? defaults.workdir,
    mcp: mcp && Object.keys(mcp).length > 0 ? mcp : undefined,
    tools: def.tools ?? defaults.tools,
    imageModel: def.imageModel ?? defaults.imageModel,
    agent: agent === "builtin" ? undefined : agent,
    attempts: attempts === 1 ? undefined : attempts,
  };
  return Object.fromEntries(Object.entries(candidates).filter(([, value]) => value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)));
}

/** Hash of a task entry as written, for an entry that did not validate (see TaskFileParse). */
export function rawTaskHash(raw: unknown): string {
  return sha256Hex(canonicalJson(raw));
}

export function fileTaskId(key: string, hash: string): string {
  return `${key}-${hash.slice(0, 8)}`;
}

/** Id of an invalid task whose key cannot itself be part of a ref name. */
export function invalidKeyTaskId(key: string): string {
  return `invalid-${sha256Hex(key).slice(0, 8)}`;
}

/** Id of a task file that could not be read at all, one per blob. */
export function taskFileErrorId(blobSha: string): string {
  return `task-file-${blobSha.slice(0, 8)}`;
}

/** `<slug>-<sha7>` for the first `Codex:` trailer of a commit, `<slug>-<sha7>-<n>` for the n-th. */
export function trailerTaskId(instruction: string, sha: string, index: number): string {
  const id = `${slugify(instruction)}-${sha.slice(0, 7)}`;
  return index === 0 ? id : `${id}-${index + 1}`;
}
