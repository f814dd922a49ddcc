import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runExternalAgent, type ExternalAgentOptions } from "../../src/agent/external/external-agent.ts";
import type { AgentEvent, Clock, TranscriptEntry } from "../../src/agent/types.ts";
import { createRedactor } from "../../src/util/redact.ts";
import { createLocalExecutor } from "../helpers/local-executor.ts";
import { parseTaskFile, resolveSettings } from "../../src/tasks/index.ts";
import { agentEnvNames } from "../../src/cli/repo-settings.ts";
import { pickAgentEnv, secretEnvPayload } from "../../src/agent/external/secret-env.ts";

const FAKE_CODEX = fileURLToPath(new URL("../fixtures/fake-codex.ts", import.meta.url));
const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), "git-codex-external-"));
  await writeFile(join(workdir, "README.md"), "# app\n");
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

function run(args: string[], overrides: Partial<ExternalAgentOptions> = {}) {
  return runExternalAgent({
    backend: { command: [process.execPath, FAKE_CODEX, ...args], format: "codex-json" },
    executor: createLocalExecutor(),
    clock,
    model: "gpt-5.1-codex",
    api: "responses",
    workdir,
    prompt: "Add a greeting file.",
    budget: { turns: 60, minutes: 5 },
    redact: (text) => text,
    ...overrides,
  });
}

const items = (transcript: TranscriptEntry[]) => transcript.flatMap((entry) => (entry.type === "item" ? [entry.item] : []));
const notes = (transcript: TranscriptEntry[]) => transcript.flatMap((entry) => (entry.type === "note" ? [entry.text] : []));

describe("runExternalAgent with Codex JSON events", () => {
  it("maps messages, commands, file changes, the to-do list and usage into the built-in transcript format", async () => {
    const events: AgentEvent[] = [];
    const result = await run(["--write", "greeting.txt=hello", "--message", "Added greeting.txt."], { onEvent: (event) => events.push(event) });

    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Added greeting.txt.", verify: "skipped", turns: 1, usage: { inputTokens: 1200, cachedTokens: 200, outputTokens: 345 } });
    expect(await readFile(join(workdir, "greeting.txt"), "utf8")).toBe("hello");
    expect(result.transcript[0]).toMatchObject({ type: "task", prompt: "Add a greeting file.", model: "gpt-5.1-codex", sandbox: "none" });
    expect(items(result.transcript)).toEqual([
      { type: "reasoning", id: "item_1", summary: ["**Planning** the change"] },
      { type: "function_call", callId: "item_2", name: "shell", arguments: JSON.stringify({ command: "bash -lc ls" }) },
      { type: "function_call_output", callId: "item_2", output: "Exit code: 0 (completed)\nREADME.md\n" },
      { type: "function_call", callId: "item_3", name: "file_change", arguments: JSON.stringify({ changes: [{ path: "greeting.txt", kind: "add" }] }) },
      { type: "function_call_output", callId: "item_3", output: "completed: add greeting.txt" },
      { type: "message", role: "assistant", text: "Added greeting.txt." },
    ]);
    expect(result.transcript.filter((entry) => entry.type === "usage")).toMatchObject([{ turn: 1, usage: { inputTokens: 1200, cachedTokens: 200, outputTokens: 345 } }]);
    expect(result.plan).toEqual([{ step: "Look around", status: "completed" }, { step: "Write the files", status: "completed" }]);
    expect(events.filter((event) => event.type === "plan").map((event) => event.type === "plan" && event.plan.map((step) => step.status))).toEqual([
      ["in_progress", "pending"],
      ["completed", "in_progress"],
      ["completed", "completed"],
    ]);
    expect(events).toContainEqual({ type: "turn", turn: 1, usage: { inputTokens: 1200, outputTokens: 345, cachedTokens: 200 }, elapsedMs: expect.any(Number) });
    expect(notes(result.transcript)).toContain("codex thread 0199a213-81c0-7800-8aa1-bbab2a035a53 started");
    expect(result.transcript.at(-1)).toMatchObject({ type: "stop", outcome: "completed" });
  });

  it("gives the agent the prompt on stdin", async () => {
    const result = await run(["--echo-prompt"], { prompt: "Line one\nline two with 'quotes' and $HOME" });
    expect(result.finalMessage).toBe("Line one\nline two with 'quotes' and $HOME");
  });

  it("records malformed lines and unknown events as notes and keeps going; an oversized line is dropped", async () => {
    const result = await run(["--malformed", "--long-line", "5000", "--message", "Still fine."], { maxLineBytes: 2000 });

    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Still fine." });
    const said = notes(result.transcript);
    expect(said).toContain("malformed output line (not JSON): this is not JSON {");
    expect(said).toContain('malformed output line (not an event (no type)): {"hello":"no type here"}');
    expect(said).toContain("event item.plan.delta (not mapped)");
    expect(said.find((note) => note.startsWith("an output line of"))).toMatch(/^an output line of 50\d\d bytes was dropped \(the limit is 2000\)$/);
  });

  it("stops adding items once the transcript cap is reached, and says so once", async () => {
    const result = await run(["--message", "m".repeat(3000)], { maxTranscriptChars: 400 });
    expect(result.outcome).toBe("completed");
    expect(notes(result.transcript).filter((note) => note.includes("the transcript reached 400 characters"))).toHaveLength(1);
    expect(items(result.transcript).some((item) => item.type === "message")).toBe(false);
    expect(result.finalMessage).toHaveLength(3000);
  });

  it("fails with the exit code and the tail of stderr when the agent exits non-zero", async () => {
    const result = await run(["--exit", "3"]);
    expect(result.outcome).toBe("model-error");
    expect(result.reason).toBe(`the agent command ${process.execPath} exited with 3: fake-codex: failing on purpose`);
    expect(result.transcript.at(-1)).toMatchObject({ type: "stop", outcome: "model-error" });
  });

  it("fails with the agent's own message on turn.failed", async () => {
    const result = await run(["--turn-failed", "stream disconnected before completion"]);
    expect(result).toMatchObject({ outcome: "model-error", reason: expect.stringMatching(/exited with 1: stream disconnected before completion$/) });
    expect(notes(result.transcript)).toContain("turn.failed: stream disconnected before completion");
  });

  it("says which program could not be started", async () => {
    const result = await run([], { backend: { command: ["/nonexistent/agent-cli"], format: "codex-json" } });
    expect(result).toMatchObject({ outcome: "model-error", reason: expect.stringContaining("could not start the agent command /nonexistent/agent-cli") });
  });

  it("kills the agent's whole process group on abort", async () => {
    const pidFile = join(workdir, "..", `${workdir.split("/").at(-1)}-pids`);
    const controller = new AbortController();
    const result = await run(["--hang", pidFile], {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "tool" && event.summary === "shell: sleep forever") controller.abort();
      },
    });

    expect(result).toMatchObject({ outcome: "aborted", reason: "the task was cancelled" });
    const pids = (await readFile(pidFile, "utf8").catch(() => "")).trim().split(" ").map(Number);
    await rm(pidFile, { force: true });
    expect(pids).toHaveLength(2);
    await vi.waitFor(() => expect(pids.filter(isRunning)).toEqual([]), { timeout: 5000, interval: 50 });
  });

  it("stops the agent when the time budget runs out", async () => {
    const pidFile = join(workdir, "pids");
    const result = await run(["--hang", pidFile], { budget: { turns: 60, minutes: 0.02 } });
    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 0.02 minutes" });
  });

  it("stops with the budget named when a reported turn uses up the token budget", async () => {
    const result = await run(["--usage", "5000,0,5000"], { budget: { turns: 60, minutes: 5, tokens: 1000 } });
    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 1000 tokens", usage: { inputTokens: 5000, outputTokens: 5000 } });
  });
});

describe("runExternalAgent verification and environment", () => {
  it("runs the agent again with the failure appended when verify fails, then passes", async () => {
    const result = await run(["--write", "answer.txt=wrong", "--fix-on-retry", "answer.txt=right", "--echo-prompt"], { verify: "grep -q right answer.txt" });

    expect(result).toMatchObject({ outcome: "completed", verify: "passed", turns: 2, usage: { inputTokens: 2400, outputTokens: 690 } });
    expect(await readFile(join(workdir, "answer.txt"), "utf8")).toBe("right");
    expect(result.transcript.filter((entry) => entry.type === "verify")).toMatchObject([{ round: 1, passed: false }, { round: 2, passed: true }]);
    expect(result.finalMessage).toMatch(/^Add a greeting file\.\n\nAn earlier run on this task left its changes in the working tree/);
    expect(result.finalMessage).toContain("Verification failed: `grep -q right answer.txt` exited with 1.");
  });

  it("records verify failed after the last round", async () => {
    const result = await run(["--write", "answer.txt=wrong"], { verify: "grep -q right answer.txt", maxVerifyRounds: 1 });
    expect(result).toMatchObject({ outcome: "completed", verify: "failed", turns: 2 });
  });

  it("hands codex.agentEnv values to the agent alone: never to verify, and scrubbed from what is recorded", async () => {
    const secret = "agent-secret-value-123456";
    const result = await run(["--print-env", "FAKE_AGENT_KEY", "--message", "Done."], {
      agentEnv: { FAKE_AGENT_KEY: secret },
      redact: createRedactor([secret]),
      verify: "echo \"verify saw ${FAKE_AGENT_KEY:-nothing}\" > verify-env.txt",
    });

    expect(result.finalMessage).toBe("Done.\nFAKE_AGENT_KEY=[REDACTED]");
    expect(JSON.stringify(result.transcript)).not.toContain(secret);
    expect(await readFile(join(workdir, "verify-env.txt"), "utf8")).toBe("verify saw nothing\n");
  });

  it("reads plain text output as the final message with format: text", async () => {
    const result = await run([], { backend: { command: ["/bin/sh", "-c", "cat > prompt-seen.txt; echo 'Changed two files.'"], format: "text" } });
    expect(result).toMatchObject({ outcome: "completed", finalMessage: "Changed two files.", turns: 1 });
    expect(await readFile(join(workdir, "prompt-seen.txt"), "utf8")).toBe("Add a greeting file.");
  });
});

/** Alive and not a zombie (a reaped-later child still answers kill(pid, 0)). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe("agent: and attempts: in the task file", () => {
  const parse = (...lines: string[]) => parseTaskFile(["version: 1", "tasks:", "  t:", "    prompt: go", ...lines.map((l) => `    ${l}`), ""].join("\n"));
  const problems = (...lines: string[]) => (parse(...lines).invalidTasks.t ?? []).map((p) => `${p.message}${p.hint ? ` (${p.hint})` : ""}`);

  it("takes builtin, codex and a command with a format, and resolves builtin and one attempt to their absence", () => {
    expect(parse("agent: codex", "attempts: 3").file?.tasks.t).toMatchObject({ agent: "codex", attempts: 3 });
    expect(parse('agent: { command: ["my-agent", "--json"], format: codex-json }').file?.tasks.t?.agent).toEqual({ command: ["my-agent", "--json"], format: "codex-json" });
    expect(parse('agent: { command: ["my-agent"] }').file?.tasks.t?.agent, "format defaults to text").toEqual({ command: ["my-agent"], format: "text" });
    expect(resolveSettings({ agent: "builtin", attempts: 1 }, { agent: "codex", attempts: 3 }, {})).not.toHaveProperty("agent");
    expect(resolveSettings({ agent: "builtin", attempts: 1 }, {}, {})).not.toHaveProperty("attempts");
    expect(resolveSettings({}, { agent: "codex", attempts: 3 }, {})).toMatchObject({ agent: "codex", attempts: 3 });
  });

  it("rejects unknown agents and formats with a did-you-mean, and malformed commands with what is wrong", () => {
    expect(problems("agent: codx")).toEqual(['agent in task "t" is not a known agent: "codx" (did you mean "codex"?)']);
    expect(problems('agent: { command: ["x"], format: codex-jsn }')).toEqual(['format in the agent of task "t" must be codex-json or text, got "codex-jsn" (did you mean "codex-json"?)']);
    expect(problems("agent: { format: text }")[0]).toMatch(/^command: is missing in the agent of task "t"/);
    expect(problems("agent: { command: [] }")[0]).toMatch(/^command must be a list of 1 to 64 strings/);
    expect(problems('agent: { command: ["x", 3] }')[0]).toBe('command entry 2 is not a non-empty string: 3 in the agent of task "t"');
    expect(problems('agent: { command: ["x"], shell: true }')[0]).toMatch(/^unknown key "shell" in the agent of task "t"/);
    expect(problems("agent: 3")[0]).toMatch(/^agent in task "t" must be builtin, codex or a mapping with command:, got 3/);
  });

  it("takes attempts from 1 to 5 only", () => {
    for (const bad of ["0", "6", "2.5", '"3"']) expect(problems(`attempts: ${bad}`)[0]).toMatch(/^attempts in task "t" must be a whole number from 1 to 5/);
  });
});

describe("codex.agentEnv", () => {
  it("reads names, repeated or listed, and refuses anything else with the key named", () => {
    expect(agentEnvNames(new Map([["agentenv", ["OPENAI_API_KEY", "CODEX_API_KEY, OPENAI_BASE_URL"]]]))).toEqual(["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL"]);
    expect(() => agentEnvNames(new Map([["agentenv", ["OPENAI_API_KEY=sk-oops"]]]))).toThrow('codex.agentEnv holds "OPENAI_API_KEY=sk-oops", not a variable name');
  });

  it("passes only the listed variables that are set, and refuses a value it cannot carry intact", () => {
    expect(pickAgentEnv({ A: "1", B: "", C: "3" }, ["A", "B", "D"])).toEqual({ A: "1" });
    expect(() => secretEnvPayload({ KEY: "two\nlines" })).toThrow("the value of KEY holds a newline or NUL byte");
    expect(secretEnvPayload({ KEY: "v a$l'ue" })).toBe("KEY=v a$l'ue\n");
  });
});
