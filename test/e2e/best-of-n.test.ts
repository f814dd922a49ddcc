import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptTurn, type ScriptedServer } from "../../src/demo/scripted-server.ts";
import type { BestOf } from "../../src/run/attempts.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile } from "../helpers/model.ts";
import { deferred } from "../helpers/spawn-cli.ts";

// `attempts: N` runs N attempts of one task in parallel worktrees. Each attempt's prompt
// ends with "(Attempt n of N: …)", which is how the scripted model tells them apart.

let world: GitWorld;
let model: ScriptedServer | undefined;
beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await world.dispose();
});

type Conversation = (turn: number, text: string) => ScriptTurn | Promise<ScriptTurn>;

/** One scripted conversation per attempt, picked by the attempt line of its prompt. */
async function serveAttempts(conversations: Record<string, Conversation>): Promise<Record<string, string | undefined>> {
  const turns = new Map<string, number>();
  model = await startScriptedServer({
    script: ({ body }) => {
      const text = JSON.stringify(body.input ?? body.messages ?? "");
      const marker = Object.keys(conversations).find((m) => text.includes(m));
      if (marker === undefined) return { text: "Nothing to do." };
      const n = turns.get(marker) ?? 0;
      turns.set(marker, n + 1);
      return (conversations[marker] as Conversation)(n, text);
    },
  });
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-best-of-n" };
}

const play = (turns: ScriptTurn[]): Conversation => (n) => turns[Math.min(n, turns.length - 1)] as ScriptTurn;
const onRemote = (args: string[]) => world.git.run(args, { cwd: world.remote });

function taskFile(extra: string): string {
  return `version: 1\ntasks:\n  answer:\n    prompt: Write the answer to answer.txt\n    attempts: 2\n${extra}`;
}

async function onlyTask(env: Record<string, string | undefined>) {
  const listed = JSON.parse((await runCli(["status", "--json"], { cwd: world.clone, env })).stdout) as { id: string; status: string; branch?: string; reason?: string }[];
  expect(listed).toHaveLength(1);
  const task = listed[0] as (typeof listed)[number];
  const status = JSON.parse(await onRemote(["show", `refs/codex/tasks/${task.id}:status.json`])) as { bestOf: BestOf; usage: { inputTokens: number; outputTokens: number }; verify: string };
  return { ...task, ...status, state: task.status };
}

describe("best-of-N attempts", () => {
  it("commits the attempt that passes verify; the attempt that failed it is recorded beside it", async () => {
    const attemptOneOnItsLastRound = deferred();
    const env = await serveAttempts({
      "Attempt 1 of 2": (n, text) => {
        // Requests 2 and 3 carry its first and second failed verification: after its answer
        // to the third, it only verifies (and fails) once more and commits.
        if (n === 3 && text.includes("Verification failed")) attemptOneOnItsLastRound.resolve();
        return play(addFile("answer.txt", "wrong", "Wrote an answer."))(n, text);
      },
      // Attempt 2 starts only once attempt 1 is on its last round, and has more to do than it
      // (a patch, a second request, its verification): it cannot pass first and stop attempt 1.
      "Attempt 2 of 2": async (n, text) => {
        if (n === 0) await attemptOneOnItsLastRound.promise;
        return play(addFile("answer.txt", "right", "Wrote the right answer."))(n, text);
      },
    });
    await world.commit({ ".codex-tasks.yml": taskFile("    verify: grep -q right answer.txt\n") }, "Ask for two attempts");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    const task = await onlyTask(env);
    expect(task).toMatchObject({ state: "done", branch: "codex/answer", verify: "passed" });
    expect(await onRemote(["show", "codex/answer:answer.txt"])).toBe("right\n");
    const message = await onRemote(["log", "-1", "--format=%B", "codex/answer"]);
    expect(message).toContain("Wrote the right answer.");
    expect(message).toContain("Codex-Attempt: 2 of 2");
    expect(message).toContain("Codex-Verify: passed");

    expect(task.bestOf.winner).toBe(2);
    const [one, two] = task.bestOf.attempts;
    expect(one).toMatchObject({ n: 1, state: "failed", verify: "failed", diffStat: { files: 1, added: 1, removed: 0 } });
    expect(two).toMatchObject({ n: 2, state: "done", outcome: "completed", verify: "passed", diffStat: { files: 1, added: 1, removed: 0 } });
    expect(task.usage.inputTokens, "usage is the sum over attempts").toBe((one?.usage.inputTokens ?? 0) + (two?.usage.inputTokens ?? 0));
    expect(one?.usage.inputTokens).toBeGreaterThan(0);
    expect(await onRemote(["show", `refs/codex/tasks/${task.id}:transcript.jsonl`])).toContain("Attempt 2 of 2");
    const other = await onRemote(["show", `refs/codex/tasks/${task.id}:attempt-1.jsonl`]);
    expect(other).toContain("Attempt 1 of 2");
    expect(other).toContain('"passed":false');
    expect(await onRemote(["ls-tree", "--name-only", `refs/codex/tasks/${task.id}`])).toBe("attempt-1.jsonl\nstatus.json\ntranscript.jsonl\n");
  });

  it("without verify, lets every attempt finish and keeps the smallest change", async () => {
    const env = await serveAttempts({
      "Attempt 1 of 2": play(addFile("answer.txt", "42", "Short answer.")),
      "Attempt 2 of 2": play(addFile("answer.txt", "forty\ntwo\nexactly", "Long answer.")),
    });
    await world.commit({ ".codex-tasks.yml": taskFile("") }, "Ask for two attempts without verify");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode, result.stderr).toBe(0);
    const task = await onlyTask(env);
    expect(task).toMatchObject({ state: "done", verify: "skipped", bestOf: { winner: 1 } });
    expect(task.bestOf.attempts.map((a) => [a.n, a.state, a.diffStat?.added])).toEqual([[1, "done", 1], [2, "done", 3]]);
    expect(await onRemote(["show", "codex/answer:answer.txt"])).toBe("42\n");
  });

  it("fails with every attempt's reason and pushes nothing when no attempt passes", async () => {
    const env = await serveAttempts({
      "Attempt 1 of 2": play(addFile("answer.txt", "wrong", "First try.")),
      "Attempt 2 of 2": play(addFile("answer.txt", "also wrong", "Second try.")),
    });
    await world.commit({ ".codex-tasks.yml": taskFile("    verify: grep -q right answer.txt\n") }, "Ask for two attempts that fail");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(1);
    const task = await onlyTask(env);
    const failed = "verification failed: grep -q right answer.txt";
    expect(task).toMatchObject({ state: "failed", reason: `no attempt of 2 succeeded: attempt 1: ${failed}; attempt 2: ${failed}` });
    expect(task.bestOf.winner).toBeUndefined();
    expect(await onRemote(["for-each-ref", "refs/heads/codex/"])).toBe("");
  });

  it("refuses attempts outside 1 to 5 with a clear error, and runs nothing", async () => {
    const env = await serveAttempts({});
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  answer:\n    prompt: Write the answer\n    attempts: 9\n" }, "Ask for too many attempts");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('.codex-tasks.yml:5:15: attempts in task "answer" must be a whole number from 1 to 5, got 9');
    expect(model?.requests).toHaveLength(0);
  });
});
