import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import type { TranscriptEntry } from "../../src/agent/types.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";

// `agent: { command, format: codex-json }` runs another agent CLI (here a stand-in that
// prints Codex's `exec --json` events) in the worktree and sandbox; git-codex does the git
// side: verify, commit, push, state. No model server is involved, and none is configured:
// neither OPENAI_API_KEY nor OPENAI_BASE_URL is set, which only the built-in agent needs.

const FAKE_CODEX = fileURLToPath(new URL("../fixtures/fake-codex.ts", import.meta.url));
const TOKEN = "fake-agent-token-0123456789";

let world: GitWorld;
beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
});
afterEach(async () => {
  await world.dispose();
});

const env = () => ({ ...world.env, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, FAKE_AGENT_TOKEN: TOKEN });
const onRemote = (args: string[]) => world.git.run(args, { cwd: world.remote });

function taskFile(args: string[], verify: string): string {
  const command = JSON.stringify([process.execPath, FAKE_CODEX, ...args]);
  return ["version: 1", "tasks:", "  greet:", "    prompt: Write a greeting file", `    verify: ${JSON.stringify(verify)}`, `    agent: { command: ${command}, format: codex-json }`, ""].join("\n");
}

async function onlyTask(): Promise<{ id: string; status: string; branch?: string; reason?: string }> {
  const listed = await runCli(["status", "--json"], { cwd: world.clone, env: env() });
  const tasks = JSON.parse(listed.stdout) as { id: string; status: string; branch?: string; reason?: string }[];
  expect(tasks).toHaveLength(1);
  return tasks[0] as { id: string; status: string };
}

describe("an external agent backend", () => {
  it("runs a Codex-style CLI in the sandbox: its change lands on the result branch, its events in the transcript, its usage in the trailers", async () => {
    await world.git.run(["config", "codex.agentEnv", "FAKE_AGENT_TOKEN"]);
    const verify = 'test "$(cat greeting.txt)" = hello && echo "verify saw ${FAKE_AGENT_TOKEN:-no token}" > verify-saw.txt';
    const args = ["--write", "greeting.txt=hello", "--message", "Wrote greeting.txt.", "--print-env", "FAKE_AGENT_TOKEN", "--usage", "1500,500,250"];
    await world.commit({ ".codex-tasks.yml": taskFile(args, verify) }, "Ask another agent for a greeting");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(result.exitCode, result.stderr).toBe(0);
    const task = await onlyTask();
    expect(task).toMatchObject({ status: "done", branch: "codex/greet" });
    expect(await onRemote(["show", "codex/greet:greeting.txt"])).toBe("hello");
    expect(await onRemote(["show", "codex/greet:verify-saw.txt"]), "verify never gets the agent's variables").toBe("verify saw no token\n");
    const message = await onRemote(["log", "-1", "--format=%B", "codex/greet"]);
    expect(message).toContain("Wrote greeting.txt.\nFAKE_AGENT_TOKEN=[REDACTED]");
    expect(message).toMatch(/^Codex-Usage: input=1500 cached=500 output=250 turns=1 cost=\$\d+\.\d{4}$/m);
    expect(message).toContain("Codex-Verify: passed");
    expect(message).not.toContain(TOKEN);

    const transcriptText = await onRemote(["show", `refs/codex/tasks/${task.id}:transcript.jsonl`]);
    expect(transcriptText).not.toContain(TOKEN);
    const transcript = transcriptText.trim().split("\n").map((line) => JSON.parse(line) as TranscriptEntry);
    const items = transcript.flatMap((entry) => (entry.type === "item" ? [entry.item] : []));
    expect(items).toContainEqual({ type: "function_call", callId: "item_2", name: "shell", arguments: JSON.stringify({ command: "bash -lc ls" }) });
    expect(items).toContainEqual(expect.objectContaining({ type: "function_call_output", callId: "item_2", output: expect.stringContaining("README.md") }));
    expect(items).toContainEqual({ type: "function_call_output", callId: "item_3", output: "completed: add greeting.txt" });
    expect(items.at(-1)).toEqual({ type: "message", role: "assistant", text: "Wrote greeting.txt.\nFAKE_AGENT_TOKEN=[REDACTED]" });
    expect(transcript).toContainEqual(expect.objectContaining({ type: "usage", turn: 1, usage: { inputTokens: 1500, outputTokens: 250, cachedTokens: 500 } }));
    expect(transcript).toContainEqual(expect.objectContaining({ type: "verify", round: 1, passed: true }));
    expect(transcript[0]).toMatchObject({ type: "task", sandbox: expect.stringMatching(/^(bubblewrap|sandbox-exec)$/) });
    const status = JSON.parse(await onRemote(["show", `refs/codex/tasks/${task.id}:status.json`])) as { usage: object; plan: object[] };
    expect(status.usage).toMatchObject({ inputTokens: 1500, cachedTokens: 500, outputTokens: 250 });
    expect(status.plan).toEqual([{ step: "Look around", status: "completed" }, { step: "Write the files", status: "completed" }]);
  });

  it("records a failing agent as a failed task with its stderr, and pushes no branch", async () => {
    await world.commit({ ".codex-tasks.yml": taskFile(["--write", "half.txt=half", "--exit", "2"], "true") }, "Ask an agent that fails");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(result.exitCode).toBe(1);
    const task = await onlyTask();
    expect(task).toMatchObject({ status: "failed", reason: expect.stringMatching(/exited with 2: fake-codex: failing on purpose$/) });
    expect(await onRemote(["for-each-ref", "refs/heads/codex/"])).toBe("");
  });

  it("refuses an unknown agent in the task file with a did-you-mean, and runs nothing", async () => {
    await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  greet:\n    prompt: Write a greeting file\n    agent: codx\n" }, "Misspell the agent");

    const result = await runCli(["run", "--once"], { cwd: world.clone, env: env() });

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('.codex-tasks.yml:5:12: agent in task "greet" is not a known agent: "codx" (did you mean "codex"?)');
    expect((await onlyTask()).status).toBe("invalid");
  });
});
