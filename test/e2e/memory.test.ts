import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptTurn, type ScriptedServer } from "../../src/demo/scripted-server.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile } from "../helpers/model.ts";
import { createRememberTool, NOTE_MAX_CHARS, RUN_MAX_NOTES } from "../../src/agent/memory-tool.ts";
import { appendToMemory } from "../../src/run/memory.ts";

const SECRET = "sk-test-SECRET-value-0123456789abcdef";

let world: GitWorld;
let model: ScriptedServer | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await world.dispose();
});

type Turn = ScriptTurn | (() => Promise<ScriptTurn>);

/** A scripted model: each conversation picked by a word of its prompt; a turn may act first (a person pushing meanwhile). */
async function serve(conversations: Record<string, Turn[]>): Promise<Record<string, string | undefined>> {
  const played = new Map<string, number>();
  model = await startScriptedServer({
    script: async ({ body }) => {
      const marker = Object.keys(conversations).find((m) => JSON.stringify(body.input ?? body.messages).includes(m));
      if (marker === undefined) return { text: "Nothing to do." };
      const n = played.get(marker) ?? 0;
      played.set(marker, n + 1);
      const turns = conversations[marker] ?? [];
      const turn = turns[Math.min(n, turns.length - 1)] ?? { text: "Done." };
      return typeof turn === "function" ? turn() : turn;
    },
  });
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: SECRET };
}

const remember = (note: string): ScriptTurn => ({ toolCalls: [{ name: "remember", arguments: { note } }] });
const taskFile = (tasks: Record<string, string>, extra = "") =>
  `version: 1\ntasks:\n${Object.entries(tasks).map(([key, prompt]) => `  ${key}:\n    prompt: ${JSON.stringify(prompt)}\n${extra}`).join("")}`;

/** The instructions of the first model request of the conversation whose prompt holds `marker`. */
function firstInstructions(marker: string): string {
  const request = model?.requests.find((r) => JSON.stringify(r.body.input).includes(marker));
  return String(request?.body.instructions ?? "");
}

const onRemote = (args: string[]) => world.git.run(args, { cwd: world.remote });
const memoryFile = () => onRemote(["show", "codex/memory:MEMORY.md"]);

async function runOnce(env: Record<string, string | undefined>, cwd = world.clone): Promise<void> {
  const result = await runCli(["run", "--once"], { cwd, env });
  expect(result.exitCode, result.stderr).toBe(0);
}

/** Another person changes MEMORY.md on the remote's codex/memory branch, with plain git. */
async function personEditsMemory(dir: string, edit: (text: string) => string): Promise<string> {
  const git = world.git.at(dir);
  await git.run(["fetch", "--quiet", "origin", "+refs/heads/codex/memory:refs/remotes/origin/codex/memory"]);
  await git.run(["checkout", "--quiet", "-B", "memory-edit", "origin/codex/memory"]);
  await writeFile(join(dir, "MEMORY.md"), edit(await readFile(join(dir, "MEMORY.md"), "utf8")));
  await git.run(["commit", "--quiet", "-am", "Tidy the memory"]);
  await git.run(["push", "--quiet", "origin", "memory-edit:refs/heads/codex/memory"]);
  return (await git.run(["rev-parse", "HEAD"])).trim();
}

describe("memory in runs", () => {
  it("commits a note the agent remembers to codex/memory, and the next run on another machine reads it", async () => {
    const env = await serve({ FIRST: [remember("Tests need TZ=UTC."), ...addFile("a.txt", "a")], SECOND: addFile("b.txt", "b") });
    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST: write a.txt" }) }, "Task one");

    await runOnce(env);

    expect(await memoryFile()).toMatch(/^# Memory\n[\s\S]*\n- Tests need TZ=UTC\.\n$/);
    const commit = await onRemote(["log", "-1", "--format=%an <%ae>%n%B", "codex/memory"]);
    expect(commit).toMatch(/^git-codex <git-codex@noreply\.invalid>\nmemory: a note from task one-[0-9a-f]{8}\n/);
    expect(commit).toMatch(/^Codex-Task: one-[0-9a-f]{8}$/m);
    const id = /Codex-Task: (\S+)/.exec(commit)?.[1] ?? "";
    expect(await onRemote(["log", "--format=%s", `refs/codex/tasks/${id}`])).toMatch(/^codex: \S+ memory: 1 note added to codex\/memory \([0-9a-f]{7}\)$/m);
    expect(await onRemote(["show", "codex/one:a.txt"])).toBe("a\n");

    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST: write a.txt", two: "SECOND: write b.txt" }) }, "Task two");
    await runOnce(env, await world.cloneAgain("elsewhere"));

    expect(firstInstructions("SECOND")).toMatch(/MEMORY\.md on branch codex\/memory[\s\S]*- Tests need TZ=UTC\./);
    expect(firstInstructions("FIRST")).not.toContain("TZ=UTC");
  });

  it("keeps a person's edit of the memory: a note of a later run is appended on top of it, even when it lands mid-run", async () => {
    const bob = await world.cloneAgain("bob");
    let personTip = "";
    const env = await serve({
      FIRST: [remember("Run npm ci before the tests."), { text: "Nothing to change." }],
      // The person's push lands after the run fetched the memory: the bot's lease fails once and it reads again.
      SECOND: [async () => {
        personTip = await personEditsMemory(bob, (text) => text.replace("Run npm ci before the tests.", "Run npm ci (not npm install) before the tests."));
        return remember("The API lives in src/api.");
      }, { text: "Nothing to change." }],
    });
    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST" }) }, "Task one");
    await runOnce(env);
    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST", two: "SECOND" }) }, "Task two");

    await runOnce(env);

    const text = await memoryFile();
    expect(text).toContain("- Run npm ci (not npm install) before the tests.\n- The API lives in src/api.\n");
    expect(text).not.toContain("- Run npm ci before the tests.");
    const tip = (await onRemote(["rev-parse", "codex/memory"])).trim();
    expect(await onRemote(["rev-parse", `${tip}^`])).toBe(`${personTip}\n`);
    expect(await onRemote(["log", "-1", "--format=%an", personTip])).toBe("Ada Lovelace\n");
  });

  it("takes a Codex: trailer pushed to the memory branch as no follow-up", async () => {
    const bob = await world.cloneAgain("bob");
    const env = await serve({ FIRST: [remember("Run npm ci before the tests."), { text: "Nothing to change." }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST" }) }, "Task one");
    await runOnce(env);
    const before = await onRemote(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"]);
    const git = world.git.at(bob);
    await git.run(["fetch", "--quiet", "origin", "+refs/heads/codex/memory:refs/remotes/origin/codex/memory"]);
    await git.run(["checkout", "--quiet", "-B", "memory-edit", "origin/codex/memory"]);
    await git.run(["commit", "--quiet", "--allow-empty", "-m", "Tidy\n\nCodex: REWRITE the whole memory"]);
    await git.run(["push", "--quiet", "origin", "memory-edit:refs/heads/codex/memory"]);

    await runOnce(env);

    expect(await onRemote(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"])).toBe(before);
    expect(model?.requests.some((r) => JSON.stringify(r.body).includes("REWRITE"))).toBe(false);
  });

  it("refuses a note holding a secret: the agent is told, and nothing reaches the memory branch", async () => {
    const env = await serve({ LEAK: [remember(`Deploy with OPENAI_API_KEY=${SECRET}`), remember("AWS key AKIAQWERTYUIOPASDFGH works"), { text: "Done." }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ leak: "LEAK" }) }, "Task");

    await runOnce(env);

    expect(await onRemote(["branch", "--list", "codex/memory"])).toBe("");
    const outputs = model?.requests.map((r) => JSON.stringify(r.body.input)).at(-1) ?? "";
    expect(outputs).toMatch(/remember: not kept: it looks like a secret \([^)]*\\"note\\" line 1: secret from the bot's environment\)/);
    expect(outputs).toMatch(/remember: not kept: it looks like a secret \(\\"note\\" line 1: AWS access key id\)/);
    expect(await onRemote(["log", "--all", "--format=%B"])).not.toContain(SECRET);
    const [record] = (await onRemote(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"])).split("\n");
    expect(await onRemote(["show", `${record}:transcript.jsonl`])).not.toContain(SECRET);
  });

  it("caps the memory in the instructions at 16 KiB with a marker, and takes no notes while it is that full", async () => {
    await world.commit({ "README.md": "hi\n" }, "Start");
    const bob = world.git.at(await world.cloneAgain("bob"));
    await bob.run(["checkout", "--quiet", "--orphan", "memory"]);
    await bob.run(["rm", "-rq", "--cached", "."]);
    await writeFile(join(bob.cwd, "MEMORY.md"), `${"a".repeat(16 * 1024)}TAIL-NOT-SHOWN\n`);
    await bob.run(["add", "MEMORY.md"]);
    await bob.run(["commit", "--quiet", "-m", "A long memory"]);
    await bob.run(["push", "--quiet", "origin", "memory:refs/heads/codex/memory"]);
    const before = await onRemote(["rev-parse", "codex/memory"]);
    const env = await serve({ BIG: [remember("One more thing."), { text: "Done." }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ big: "BIG" }) }, "Task");

    await runOnce(env);

    const instructions = firstInstructions("BIG");
    expect(instructions).toContain(`${"a".repeat(16 * 1024)}\n[MEMORY.md cut at 16 KiB of 16399 bytes; a maintainer should tidy it: git codex memory edit]`);
    expect(instructions).not.toContain("TAIL-NOT-SHOWN");
    expect(JSON.stringify(model?.requests.at(-1)?.body.input)).toContain("remember: not kept: the memory is full (16399 bytes, cap 16 KiB)");
    expect(await onRemote(["rev-parse", "codex/memory"])).toBe(before);
  });

  it("records a memory the remote refuses in the task's audit log, and the task still succeeds", async () => {
    const hook = join(world.remote, "hooks", "pre-receive");
    await writeFile(hook, `#!/bin/sh\nwhile read old new ref; do [ "$ref" = refs/heads/codex/memory ] && { echo "memory is locked" >&2; exit 1; }; done\nexit 0\n`);
    await chmod(hook, 0o755);
    const env = await serve({ LOCKED: [remember("A lasting fact."), ...addFile("c.txt", "c")] });
    await world.commit({ ".codex-tasks.yml": taskFile({ locked: "LOCKED" }) }, "Task");

    await runOnce(env);

    expect(await onRemote(["branch", "--list", "codex/memory"])).toBe("");
    expect(await onRemote(["show", "codex/locked:c.txt"])).toBe("c\n");
    const [record = ""] = (await onRemote(["for-each-ref", "--format=%(refname)", "refs/codex/tasks/"])).split("\n");
    const log = await onRemote(["log", "--format=%s", record]);
    expect(log).toMatch(/^codex: locked-\S+ memory not recorded: the remote refused the memory commit \(.*pre-receive hook declined.*\)$/m);
    expect(JSON.parse(await onRemote(["show", `${record}:status.json`])) as { state: string }).toMatchObject({ state: "done" });
  });

  it("offers no memory and no remember tool to a task with memory: false", async () => {
    const env = await serve({ FIRST: [remember("A note."), { text: "Done." }], QUIET: [{ text: "Done." }] });
    await world.commit({ ".codex-tasks.yml": taskFile({ one: "FIRST" }) }, "Task one");
    await runOnce(env);
    await world.commit({ ".codex-tasks.yml": `${taskFile({ one: "FIRST" })}  quiet:\n    prompt: QUIET\n    memory: false\n` }, "Task two");

    await runOnce(env);

    const quiet = model?.requests.find((r) => JSON.stringify(r.body.input).includes("QUIET"));
    expect(JSON.stringify(quiet?.body.tools)).not.toContain("remember");
    expect(String(quiet?.body.instructions)).not.toContain("A note.");
    expect(firstInstructions("FIRST")).toContain("call remember");
  });
});

describe("instructions of a run", () => {
  it("reads the AGENTS.md chain down to the task's workdir, override first, and fails a task whose workdir is missing", async () => {
    const env = await serve({ DEEP: [{ text: "Done." }] });
    const tasks = `version: 1\ntasks:\n  deep:\n    prompt: DEEP\n    workdir: pkg/api\n  lost:\n    prompt: LOST\n    workdir: pkg/gone\n`;
    await world.commit({ ".codex-tasks.yml": tasks, "AGENTS.md": "Root rule.", "pkg/AGENTS.md": "Shadowed rule.", "pkg/AGENTS.override.md": "Override rule.", "pkg/api/AGENTS.md": "API rule.", "pkg/api/x.ts": "" }, "Tasks");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(1);
    const instructions = firstInstructions("DEEP");
    expect(instructions).toMatch(/--- AGENTS\.md ---\nRoot rule\.\n\n--- pkg\/AGENTS\.override\.md ---\nOverride rule\.\n\n--- pkg\/api\/AGENTS\.md ---\nAPI rule\./);
    expect(instructions).not.toContain("Shadowed rule.");
    expect(instructions).toContain('pass workdir "pkg/api" to shell');
    const statuses = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { id: string; status: string; reason?: string }[];
    expect(statuses.find((s) => s.id.startsWith("lost"))).toMatchObject({ status: "failed", reason: expect.stringMatching(/workdir "pkg\/gone" is not a folder in the task's commit/) });
    expect(model?.requests.some((r) => JSON.stringify(r.body.input).includes("LOST"))).toBe(false);
  });
});

describe("git codex memory show | edit", () => {
  async function editor(name: string, script: string): Promise<string> {
    const path = join(world.root, name);
    await writeFile(path, `#!/bin/sh\nset -e\n${script}\n`);
    await chmod(path, 0o755);
    return path;
  }

  it("shows the remote's memory, commits an edit as the person, and pushes nothing when nothing changed", async () => {
    await world.commit({ "README.md": "hi\n" }, "Start");
    const env = { ...world.env, VISUAL: undefined, GIT_EDITOR: undefined };

    const empty = await runCli(["memory", "show"], { cwd: world.clone, env });
    expect(empty).toMatchObject({ exitCode: 0, stdout: "" });
    expect(empty.stderr).toContain("No memory yet: origin codex/memory does not exist");

    const append = await editor("append.sh", `printf '%s\\n' '- Use pnpm, not npm.' >> "$1"`);
    const edited = await runCli(["memory", "edit", "-m", "Note the package manager"], { cwd: world.clone, env: { ...env, EDITOR: append } });
    expect(edited.exitCode, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/^Pushed [0-9a-f]{7} to origin codex\/memory/);
    expect(await memoryFile()).toMatch(/^# Memory\n[\s\S]*\n- Use pnpm, not npm\.\n$/);
    expect(await onRemote(["log", "-1", "--format=%an <%ae>|%B", "codex/memory"])).toBe("Ada Lovelace <ada@example.com>|Note the package manager\n\n");

    const shown = await runCli(["memory", "show"], { cwd: await world.cloneAgain("other"), env });
    expect(shown.stdout).toBe(await memoryFile());

    const tip = await onRemote(["rev-parse", "codex/memory"]);
    const unchanged = await runCli(["memory", "edit"], { cwd: world.clone, env: { ...env, EDITOR: "true" } });
    expect(unchanged).toMatchObject({ exitCode: 0, stdout: "No change; nothing pushed.\n" });
    const failing = await runCli(["memory", "edit"], { cwd: world.clone, env: { ...env, EDITOR: await editor("fail.sh", `echo x >> "$1"; exit 3`) } });
    expect(failing.exitCode).toBe(2);
    expect(failing.stderr).toMatch(/ended with exit code 3; nothing pushed/);
    expect(await onRemote(["rev-parse", "codex/memory"])).toBe(tip);
  });

  it("never overwrites a change pushed while the person edited, and keeps their text; refuses a secret", async () => {
    await world.commit({ "README.md": "hi\n" }, "Start");
    const env = { ...world.env, VISUAL: undefined, GIT_EDITOR: undefined };
    await runCli(["memory", "edit"], { cwd: world.clone, env: { ...env, EDITOR: await editor("first.sh", `echo '- First note.' >> "$1"`) } });
    const bob = await world.cloneAgain("bob");
    const racing = await editor("race.sh", `echo '- Mine.' >> "$1"\ncd ${JSON.stringify(bob)}\ngit fetch -q origin codex/memory\ngit checkout -q -B m FETCH_HEAD\necho '- Bob was faster.' >> MEMORY.md\ngit commit -qam Bob\ngit push -q origin m:codex/memory`);

    const lost = await runCli(["memory", "edit"], { cwd: world.clone, env: { ...env, EDITOR: racing } });

    expect(lost.exitCode).toBe(1);
    expect(lost.stderr).toMatch(/The memory changed on origin while you edited it; nothing pushed\. Run git codex memory edit again; your text is kept in (\S+MEMORY\.md)\./);
    expect(await memoryFile()).toContain("- Bob was faster.");
    expect(await memoryFile()).not.toContain("- Mine.");
    const kept = /kept in (\S+MEMORY\.md)\./.exec(lost.stderr)?.[1] ?? "";
    expect(await readFile(kept, "utf8")).toMatch(/- First note\.\n- Mine\.\n$/);

    const leaky = await runCli(["memory", "edit"], { cwd: world.clone, env: { ...env, EDITOR: await editor("leak.sh", `echo '- key ${SECRET}' >> "$1"`), OPENAI_API_KEY: SECRET } });
    expect(leaky.exitCode).toBe(2);
    expect(leaky.stderr).toMatch(/MEMORY\.md looks like it holds a secret \([^)]*"MEMORY\.md" line \d+: secret from the bot's environment\); nothing pushed/);
    expect(await memoryFile()).not.toContain(SECRET);
  });
});

describe("the remember tool's limits", () => {
  const ctx = { workdir: "/w", maxOutputChars: 1000, remainingMs: () => 1000 };
  const make = (options: Partial<Parameters<typeof createRememberTool>[0]> = {}) => createRememberTool({ existing: "", screen: (note) => ({ note }), ...options });

  it("refuses what is not a short note, and says why", async () => {
    const { tool, notes } = make();
    const cases: [unknown, RegExp][] = [
      [undefined, /"note" must be a string/],
      ["   ", /the note is empty/],
      ["x".repeat(NOTE_MAX_CHARS + 1), /the note has 501 characters; at most 500/],
      ["a\nb\nc\nd\ne\nf\ng", /more than 6 lines/],
      ["bell\u0007", /control characters/],
    ];
    for (const [note, why] of cases) expect((await tool.run({ note }, ctx)).output).toMatch(why);
    expect(notes()).toEqual([]);
  });

  it("takes at most a few notes a run, skips duplicates, and takes none once the memory is full", async () => {
    const { tool, notes } = make({ existing: "- Already known.\n" });
    expect((await tool.run({ note: "Already known." }, ctx)).output).toContain("already says this");
    for (let i = 0; i < RUN_MAX_NOTES; i++) expect((await tool.run({ note: `Note ${i}  \r\n  indented` }, ctx)).output).toContain("noted");
    expect((await tool.run({ note: "One more" }, ctx)).output).toMatch(/at most 5 notes/);
    expect(notes()).toHaveLength(RUN_MAX_NOTES);
    expect(notes()[0]).toBe("Note 0\n  indented");
    const full = make({ full: "the memory is full" });
    expect((await full.tool.run({ note: "x" }, ctx)).output).toBe("remember: not kept: the memory is full");
  });

  it("appends notes as bullets and keeps the existing text byte for byte", () => {
    expect(appendToMemory("Mine, no newline", ["a", "b\nc"])).toBe("Mine, no newline\n- a\n- b\n  c\n");
    expect(appendToMemory("", ["a"])).toMatch(/^# Memory\n[\s\S]*\n\n- a\n$/);
  });
});
