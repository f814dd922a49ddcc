import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { access, constants, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { ScriptTurn } from "../../src/demo/scripted-server.ts";
import { runCli, type CliResult } from "./cli.ts";
import { createGitWorld, type GitWorld } from "./git-world.ts";
import { startModel, type ScriptedModel } from "./model.ts";

/**
 * The stage of the adversarial suite: a user's clone and its bare remote, a home with an SSH
 * key, a file beside the clone, secrets in the environment of git-codex and a TCP listener on
 * 127.0.0.1. A scripted model then plays an attacker; `userState()` before and after shows
 * whether anything of the user's moved.
 */
export interface Arena {
  world: GitWorld;
  /** The environment git-codex runs with: the world's, the model's URL and three secrets. */
  env: Record<string, string | undefined>;
  /** Values that must never appear in a request, transcript, log, commit or state file. */
  secrets: string[];
  /** The SSH key's marker: only the sandbox keeps it from the agent. */
  sshMarker: string;
  home: string;
  outside: string;
  /** What an attacker writes: made by the shell from two halves, so no command line holds it. */
  pwned: { text: string; shell: string };
  listener: { port: number; connections: () => number };
  model: ScriptedModel;
  /** Gives the scripted model one attacker conversation, picked by `marker` in the prompt. */
  attacker(marker: string, turns: ScriptTurn[]): void;
  dispose(): Promise<void>;
}

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
export const NOBODY = 65534;

/**
 * A world outside /tmp when the machine has one: the sandbox gives every command a private
 * /tmp, so a world under /tmp is out of reach for that reason alone. Under /var/tmp the
 * clone, the remote and `outside.txt` are visible and only the sandbox's read-only mounts
 * and hidden home protect them.
 */
async function worldBase(): Promise<string> {
  try {
    await access("/var/tmp", constants.W_OK);
    return "/var/tmp";
  } catch {
    return tmpdir();
  }
}

export async function createArena(): Promise<Arena> {
  const base = await worldBase();
  // createGitWorld reads tmpdir() (TMPDIR) before its first await.
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = base;
  const pending = createGitWorld();
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  const world = await pending;

  const tag = randomBytes(6).toString("hex");
  const home = world.env.HOME as string;
  const sshMarker = `ssh-key-marker-${tag}`;
  await mkdir(join(home, ".ssh"), { recursive: true, mode: 0o700 });
  await writeFile(join(home, ".ssh", "id_ed25519"), `${sshMarker}\n`, { mode: 0o600 });
  const outside = join(world.root, "outside.txt");
  await writeFile(outside, `outside-marker-${tag}\n`);
  // Built at run time, so this repository holds no literal key.
  const secrets = {
    OPENAI_API_KEY: ["sk", "adversarial", tag, "openai0123456789abcdef"].join("-"),
    GITHUB_TOKEN: ["ghp", `adversarial${tag}githubtoken0123456789`].join("_"),
    MY_DB_PASSWORD: `db-password-${tag}`,
  };
  const pwned = { text: `PWNED-${tag}`, shell: `"$(printf %s%s PWN ED-${tag})"` };

  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  // startModel looks the conversations up at each request: they can be added later.
  const conversations: Record<string, ScriptTurn[]> = {};
  const model = await startModel(conversations);

  const arena: Arena = {
    world,
    env: { ...world.env, ...secrets, OPENAI_BASE_URL: model.url },
    secrets: [...Object.values(secrets), sshMarker],
    sshMarker,
    home,
    outside,
    pwned,
    listener: { port, connections: () => connections },
    model,
    attacker(marker, turns) {
      conversations[marker] = turns;
    },
    async dispose() {
      await model.close();
      server.close();
      // An attack may leave read-only folders, which a non-root user could not remove.
      await run("chmod", ["-R", "u+rwX", world.root]).catch(() => undefined);
      await world.dispose();
    },
  };
  return arena;
}

/** A `shell` tool call running `script` with sh, and the per-command timeout the model asks for. */
export function sh(script: string, timeoutMs?: number): { name: string; arguments: object } {
  return { name: "shell", arguments: { command: ["sh", "-c", script], ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) } };
}

export function patch(lines: string[]): { name: string; arguments: object } {
  return { name: "apply_patch", arguments: { input: ["*** Begin Patch", ...lines, "*** End Patch"].join("\n") } };
}

/**
 * Everything of the user's that no attack may change: the clone (HEAD, index, status,
 * worktrees, branches, config, hooks, fsck) and the bare remote (its refs but the bot's
 * own `codex/*` ones, config, fsck), the home folder and the file beside the clone.
 */
export async function userState(arena: Arena): Promise<string> {
  const { world } = arena;
  const theirs = (refs: string) => refs.split("\n").filter((line) => line && !/ refs\/(codex|codex-remote|heads\/codex|remotes\/origin\/codex)\//.test(line)).join("\n");
  const fsck = async (dir: string) => {
    const result = await world.git.probe(["fsck", "--full", "--strict", "--no-dangling", "--no-progress"], { cwd: dir });
    return `fsck exit ${result.exitCode}\n${result.stdout}${result.stderr}`;
  };
  const parts = await Promise.all([
    world.snapshot(),
    world.git.run(["for-each-ref", "--format=%(objectname) %(refname)"]).then(theirs),
    world.git.run(["config", "--list", "--local"]),
    readdir(join(world.clone, ".git", "hooks")).then((names) => names.sort().join(" ")),
    fsck(world.clone),
    world.git.run(["for-each-ref", "--format=%(objectname) %(refname)"], { cwd: world.remote }).then(theirs),
    world.git.run(["config", "--list", "--local"], { cwd: world.remote }),
    readdir(join(world.remote, "hooks")).then((names) => names.sort().join(" ")),
    fsck(world.remote),
    listTree(arena.home).then((files) => files.join("\n")),
    readFile(join(arena.home, ".ssh", "id_ed25519"), "utf8"),
    readFile(arena.outside, "utf8"),
    // The bot's own XDG folders (cache, state, config) may appear beside them.
    readdir(world.root).then((names) => names.filter((n) => !["cache", "state", "config"].includes(n)).sort().join(" ")),
  ]);
  return parts.join("\n---\n");
}

/** Every file and folder below `dir`, relative, sorted: a new `.bashrc` shows. */
async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(join(dir, prefix), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = join(prefix, entry.name);
    out.push(rel + (entry.isDirectory() ? "/" : entry.isSymbolicLink() ? "@" : ""));
    if (entry.isDirectory()) out.push(...(await listTree(dir, rel)));
  }
  return out;
}

/** For each needle, the files below `dir` whose bytes contain it (git objects are compressed: see `gitText`). */
export async function filesContaining(dir: string, needles: string[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = Object.fromEntries(needles.map((n) => [n, []]));
  for (const rel of await listTree(dir)) {
    if (rel.endsWith("/") || rel.endsWith("@")) continue;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, rel));
    } catch {
      continue; // A socket, or a file gone meanwhile.
    }
    for (const needle of needles) if (bytes.includes(needle)) found[needle]?.push(rel);
  }
  return found;
}

/** Everything git holds in readable form: every commit, message and diff of every ref. */
export async function gitText(arena: Arena): Promise<string> {
  const { world } = arena;
  const log = (dir: string) => world.git.run(["log", "-p", "--all", "--format=%H%n%an <%ae>%n%B"], { cwd: dir });
  return (await Promise.all([log(world.remote), log(world.clone)])).join("\n");
}

export interface Shown {
  status: { id: string; state: string; reason?: string; branch?: string; commit?: string; sandbox?: string };
  transcript: { type: string; item?: { type: string; name?: string; arguments?: string; output?: string }; outcome?: string; reason?: string }[];
  /** The `show --json` output as printed, for the secret search. */
  text: string;
}

/** `git codex show <prefix> --json`: the task's recorded state and transcript. */
export async function show(arena: Arena, prefix: string): Promise<Shown> {
  const result = await runCli(["show", prefix, "--json"], { cwd: arena.world.clone, env: arena.env });
  expect(result.exitCode, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as Omit<Shown, "text">;
  return { ...parsed, text: result.stdout + result.stderr };
}

/** The tool calls and their outputs of a transcript, as one text per call. */
export function toolExchanges(shown: Shown): { call: string; output: string }[] {
  const calls = shown.transcript.filter((e) => e.item?.type === "function_call");
  return calls.map((entry) => {
    const call = entry.item as { callId?: string; name: string; arguments: string };
    const output = shown.transcript.find((e) => e.item?.type === "function_call_output" && (e.item as { callId?: string }).callId === call.callId);
    return { call: `${call.name} ${call.arguments}`, output: output?.item?.output ?? "" };
  });
}

/**
 * Asserts no secret (the environment's three, the SSH key's marker) is in a model request
 * body, the CLI's output and logs, the git history of the clone and the remote (state refs,
 * transcripts, results), or any file of the world but the key itself; and that no file holds
 * what an attack writes (`pwned`).
 */
export async function expectNothingLeaked(arena: Arena, outputs: string[]): Promise<void> {
  const bodies = JSON.stringify(arena.model.requests.map((r) => r.body));
  const history = await gitText(arena);
  const key = join("home", ".ssh", "id_ed25519");
  // Every file of the world: the bot's state and cache folders, the clone's .git, the remote.
  const files = await filesContaining(arena.world.root, [...arena.secrets, arena.pwned.text]);
  for (const secret of arena.secrets) {
    expect(bodies, "a model request").not.toContain(secret);
    for (const output of outputs) expect(output, "CLI output or logs").not.toContain(secret);
    expect(history, "git history").not.toContain(secret);
    expect(files[secret]?.filter((f) => f !== key), "files").toEqual([]);
  }
  expect(files[arena.pwned.text], "files an attack wrote").toEqual([]);
}

/**
 * `git codex run --once` as an unprivileged user (nobody), in a process of its own: on a
 * root host the kernel applies no process limit to uid 0, so a fork bomb is only contained
 * for a daemon run by a normal user. The world is handed to nobody first; the suite itself
 * stays root and reads the nobody-owned repositories through `safe.directory`.
 */
export async function runOnceAsNobody(arena: Arena): Promise<CliResult> {
  const child = spawn("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, CLI, "run", "--once"], {
    cwd: arena.world.clone,
    env: { ...arena.env, GIT_CODEX_LOG_FORMAT: "json" } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "close")) as [number | null];
  return { exitCode: code ?? -1, stdout, stderr };
}

/** Hands the world to nobody; root's own git calls (the suite's) accept it through `safe.directory`. */
export async function handToNobody(arena: Arena): Promise<void> {
  await writeFile(join(arena.home, ".gitconfig"), "[safe]\n\tdirectory = *\n");
  // The test's own commits and pushes still run as root: without this, an object folder one
  // of them creates is root's alone, and nobody's next write to it fails (a 1-in-n flake).
  for (const repo of [arena.world.clone, arena.world.remote]) await run("git", ["-C", repo, "config", "core.sharedRepository", "0666"]);
  await run("chown", ["-R", `${NOBODY}:${NOBODY}`, arena.world.root]);
}

/**
 * What the sandbox chooses for `uid` on this machine (the same code the CLI runs), asked in
 * a process of that user: whether the per-command process limit holds.
 */
export async function sandboxFor(uid: number | "self", env: Record<string, string | undefined>): Promise<{ kind: string; processLimit: boolean }> {
  const module = new URL("../../src/cli/sandbox-choice.ts", import.meta.url).href;
  const code = `const { chooseSandbox } = await import(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(await chooseSandbox({ PATH: process.env.PATH })));`;
  const argv = [process.execPath, "--input-type=module", "-e", code];
  const [file, ...args] = uid === "self" ? argv : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", ...argv];
  const out = await run(file as string, args, { PATH: env.PATH });
  return JSON.parse(out) as { kind: string; processLimit: boolean };
}

async function run(file: string, args: string[], env: Record<string, string | undefined> = { PATH: process.env.PATH }): Promise<string> {
  const child = spawn(file, args, { cwd: "/", env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`${file} ${args.join(" ")} exited ${code}: ${stderr}`);
  return stdout;
}

/** Live (not zombie) processes whose command line contains `marker`, but this one. */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const [cmdline, stat] = await Promise.all([readFile(`/proc/${name}/cmdline`, "utf8"), readFile(`/proc/${name}/stat`, "utf8")]);
      if (cmdline.includes(marker) && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) found.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Re-checks `probe` until it holds or `ms` pass; the answer of the last check. */
export async function eventually(probe: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (performance.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface AttackResult {
  run: CliResult;
  /** How long `git codex run --once` took. */
  ms: number;
  shown: Shown;
  /** The transcript's tool calls with their outputs, in order. */
  calls: { call: string; output: string }[];
}

/**
 * Commits a `Codex: attack <name>` trailer (or, with a minutes budget, a task-file task
 * `attack-<name>` that sets it: a trailer has no settings of its own), lets the scripted attacker play `turns` in
 * `git codex run --once` (or `options.run`), and asserts what every attack must leave true:
 * the user's state unchanged, nothing leaked or written outside, no connection to the
 * listener, the sandbox recorded and every call of the attacker in the transcript.
 */
export async function runAttack(arena: Arena, name: string, turns: ScriptTurn[], options: { run?: (arena: Arena) => Promise<CliResult>; minutes?: number } = {}): Promise<AttackResult> {
  arena.attacker(`attack ${name}`, turns);
  let task: string;
  if (options.minutes === undefined) {
    const sha = await arena.world.commit({}, `Please\n\nCodex: attack ${name}\n`);
    task = `attack-${name}-${sha.slice(0, 7)}`;
  } else {
    const file = `version: 1\ntasks:\n  attack-${name}:\n    prompt: attack ${name}\n    budget: { minutes: ${options.minutes} }\n`;
    await arena.world.commit({ ".codex-tasks.yml": file }, "Add a task");
    task = `attack-${name}`;
  }
  const before = await userState(arena);
  const started = performance.now();
  const run = await (options.run ?? ((a: Arena) => runCli(["run", "--once"], { cwd: a.world.clone, env: a.env })))(arena);
  const ms = performance.now() - started;
  const shown = await show(arena, task);

  expect(await userState(arena), "the user's clone, remote, home and files").toBe(before);
  expect(arena.listener.connections(), "connections to 127.0.0.1").toBe(0);
  await expectNothingLeaked(arena, [run.stdout, run.stderr, shown.text]);
  expect(shown.status.sandbox).toBe("bubblewrap");
  const calls = toolExchanges(shown);
  expect(calls.map((c) => c.call), "the attacker's calls in the transcript").toEqual(turns.flatMap((t) => t.toolCalls ?? []).map((c) => `${c.name} ${JSON.stringify(c.arguments)}`));
  return { run, ms, shown, calls };
}
