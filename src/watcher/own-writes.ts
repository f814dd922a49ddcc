import { readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Git } from "../git/runner.ts";
import type { RefChange } from "./local-refs.ts";

type Side = "local" | "remote";

/** How long a written value is remembered: its watcher event arrives within milliseconds. */
const REMEMBER_MS = 10 * 60_000;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const PUSHED = /^\+?([0-9a-f]{40}(?:[0-9a-f]{24})?):(refs\/\S+)$/;

export interface OwnWrites {
  /** The repository's runner, noting the refs every `update-ref` and `push` through it is about to write. */
  readonly git: Git;
  /**
   * True when every change is the process's own doing: each changed ref now holds a value
   * this runner wrote there (folders come and go with the refs in them). Anything else
   * (another ref, another value, packed-refs, a ref it cannot read) is a real change.
   */
  explains(changes: readonly RefChange[]): Promise<boolean>;
  /** The same for a change in the remote's listing (a poll): ref → new sha, null when gone. */
  explainsRemote(changed: readonly [string, string | null][]): boolean;
}

/**
 * The daemon's own ref writes must not wake it: each of them (the task records, baselines
 * and result branches it writes in the clone and pushes to a remote on this disk) would
 * otherwise start a cycle that finds nothing, at the moment the daemon is busiest. Every
 * ref the bot writes goes through its git runner, so this wraps the runner and notes the
 * ref and value before git runs; when the watcher then reports the ref, it holds that
 * value. Matching values, not time windows: a person's push at the same moment writes
 * another value and still wakes the daemon.
 */
export function trackOwnWrites(git: Git, dirs: { local: string; remote?: string }, now: () => number): OwnWrites {
  const written = new Map<string, { value: string | null; at: number }[]>();
  const note = (side: Side, ref: string, value: string | null): void => {
    const at = now();
    const key = `${side}\0${ref}`;
    written.set(key, [...(written.get(key) ?? []).filter((w) => at - w.at < REMEMBER_MS), { value, at }]);
    if (written.size > 1000) for (const [k, list] of written) if (list.every((w) => at - w.at >= REMEMBER_MS)) written.delete(k);
  };
  const observe = (args: readonly string[], input: unknown): void => {
    if (args[0] === "update-ref") for (const [ref, value] of updateRefWrites(args, input)) note("local", ref, value);
    if (args[0] === "push") {
      for (const arg of args) {
        const match = PUSHED.exec(arg);
        if (match?.[1] && match[2]) note("remote", match[2], match[1]);
      }
    }
  };
  const wrote = (side: Side, ref: string, value: string | null): boolean =>
    (written.get(`${side}\0${ref}`) ?? []).some((w) => w.value === value && now() - w.at < REMEMBER_MS);
  const explainsOne = async (change: RefChange): Promise<boolean> => {
    if (change.dir) return true;
    const where = locate(change.path, dirs);
    if (!where) return false;
    const value = await readRefValue(where.dir, where.ref);
    return value !== undefined && wrote(where.side, where.ref, value);
  };
  return {
    git: observed(git, observe),
    async explains(changes) {
      if (changes.length === 0) return false;
      const results = await Promise.all(changes.map(explainsOne));
      return results.every(Boolean);
    },
    explainsRemote(changed) {
      return changed.length > 0 && changed.every(([ref, value]) => wrote("remote", ref, value));
    },
  };
}

function observed(git: Git, observe: (args: readonly string[], input: unknown) => void): Git {
  return {
    cwd: git.cwd,
    run(args, options) {
      observe(args, options?.input);
      return git.run(args, options);
    },
    probe(args, options) {
      observe(args, options?.input);
      return git.probe(args, options);
    },
    at(cwd) {
      return observed(git.at(cwd), observe);
    },
  };
}

/** The refs and new values (null: deleted) of `update-ref <ref> <new> [<old>]`, `-d <ref>`, or `--stdin` lines. */
export function updateRefWrites(args: readonly string[], input: unknown): [string, string | null][] {
  const positional: string[] = [];
  let deleting = false;
  let stdin = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-m") i++;
    else if (arg === "-d") deleting = true;
    else if (arg === "--stdin") stdin = true;
    else if (!arg.startsWith("-")) positional.push(arg);
  }
  if (stdin) return stdinWrites(typeof input === "string" ? input : Buffer.isBuffer(input) ? input.toString("utf8") : "");
  const [ref, value] = positional;
  if (!ref) return [];
  if (deleting) return [[ref, null]];
  return value && SHA.test(value) ? [[ref, value]] : [];
}

function stdinWrites(text: string): [string, string | null][] {
  const writes: [string, string | null][] = [];
  for (const line of text.split("\n")) {
    const [command, ref, value] = line.trim().split(/\s+/);
    if (!ref) continue;
    if ((command === "update" || command === "create") && value && SHA.test(value)) writes.push([ref, value]);
    if (command === "delete") writes.push([ref, null]);
  }
  return writes;
}

function locate(path: string, dirs: { local: string; remote?: string }): { side: Side; dir: string; ref: string } | undefined {
  for (const [side, dir] of [["local", dirs.local], ["remote", dirs.remote]] as const) {
    if (!dir) continue;
    const inside = relative(join(dir, "refs"), path);
    if (inside === "" || inside.startsWith("..") || inside.startsWith(sep)) continue;
    return { side, dir, ref: `refs/${inside.split(sep).join("/")}` };
  }
  return undefined;
}

/**
 * A ref's value as git would read it in `gitDir`, from the files: the loose ref, else its
 * line in packed-refs; null when it exists in neither; undefined when it cannot be told
 * (a symbolic ref, something unreadable).
 */
export async function readRefValue(gitDir: string, ref: string): Promise<string | null | undefined> {
  try {
    const text = (await readFile(join(gitDir, ref), "utf8")).trim();
    return SHA.test(text) ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  let packed: string;
  try {
    packed = await readFile(join(gitDir, "packed-refs"), "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined;
  }
  for (const line of packed.split("\n")) {
    if (line.endsWith(` ${ref}`)) return line.slice(0, line.indexOf(" "));
  }
  return null;
}
