import { describe, expect, it } from "vitest";
import { COMPACTION_INSTRUCTIONS, SUMMARY_PREFIX, splitForCompaction, unitsOf } from "../../src/agent/compact.ts";
import { estimateInputTokens } from "../../src/agent/context-window.ts";
import { toolSpecs } from "../../src/agent/tools.ts";
import type { Item, TranscriptEntry } from "../../src/agent/types.ts";
import type { RecordedRequest, ScriptTurn, TurnContext } from "../../src/demo/scripted-server.ts";
import { call, startHarness } from "../helpers/agent-harness.ts";

const INSTRUCTIONS = "You are a test agent.";
const PROMPT = "Do the task.";
const SUMMARY = "Read f1.txt to f3.txt; nothing changed yet; f4.txt to f6.txt remain.";
/** Six files whose contents make each tool output about 1000 tokens, each with its own marker. */
const FILES = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`f${n}.txt`, `MARKER-${n} ${"x".repeat(3990)}`]));
/** Each turn adds ≈1050 tokens: the 5th request would pass this window, the 7th fits again after one compaction. */
const WINDOW_ABOVE_BASE = 3_600;

const isSummaryRequest = (body: Record<string, unknown>): boolean =>
  body.instructions === COMPACTION_INSTRUCTIONS || (body.messages as { content?: unknown }[] | undefined)?.[0]?.content === COMPACTION_INSTRUCTIONS;
const conversation = (request: RecordedRequest | undefined): string => JSON.stringify(request?.body.input ?? request?.body.messages ?? "");

/** Reads f1…f6 one turn at a time (with reasoning on Responses), then finishes; answers summary requests with SUMMARY. */
function readingSession(): (ctx: TurnContext) => ScriptTurn {
  let turn = 0;
  return ({ body }) => {
    if (isSummaryRequest(body)) return { text: SUMMARY };
    turn += 1;
    return turn <= 6 ? { reasoning: `look at file ${turn}`, ...call("shell", { command: ["cat", `f${turn}.txt`] }) } : { text: "Read every file." };
  };
}

/** The size of the request before any turn: the window is set relative to it, so the test does not hang on the tools' wording. */
const baseTokens = estimateInputTokens({ instructions: INSTRUCTIONS, tools: toolSpecs(), items: [{ type: "message", role: "user", text: PROMPT }] }, undefined);

describe.each(["responses", "chat"] as const)("compaction (%s)", (api) => {
  it("summarises old turns in one extra request before the window fills, then sends the summary instead of them", async () => {
    await using h = await startHarness({ api, files: FILES, script: readingSession() });
    const result = await h.run({ instructions: INSTRUCTIONS, prompt: PROMPT, contextWindow: baseTokens + WINDOW_ABOVE_BASE, compaction: { threshold: 1, keepItems: 2 } });

    expect(result).toMatchObject({ outcome: "completed", turns: 7, finalMessage: "Read every file." });
    const requests = h.server.requests;
    const summaries = requests.flatMap((r, i) => (isSummaryRequest(r.body) ? [i] : []));
    expect(summaries).toEqual([4]);
    const summary = requests[4];
    expect(summary?.body).not.toHaveProperty("tools");
    expect(summary?.body[api === "responses" ? "max_output_tokens" : "max_completion_tokens"]).toBe(4_096);
    const asked = conversation(summary);
    expect(asked).toContain("The task:\\nDo the task.");
    for (const n of [1, 2, 3]) expect(asked).toContain(`MARKER-${n}`);
    expect(asked).not.toContain("MARKER-4");

    const after = conversation(requests[5]);
    expect(after).toContain(PROMPT);
    expect(after).toContain(SUMMARY_PREFIX + SUMMARY);
    for (const n of [1, 2, 3]) expect(after).not.toContain(`MARKER-${n}`);
    expect(after).toContain("MARKER-4");
    if (api === "responses") {
      const input = requests[5]?.body.input as { type: string; role?: string }[];
      expect(input.map((item) => item.type)).toEqual(["message", "message", "reasoning", "function_call", "function_call_output"]);
    }
    const entries = result.transcript.filter((e): e is Extract<TranscriptEntry, { type: "compaction" }> => e.type === "compaction");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ turn: 4, summary: SUMMARY, itemsAfter: api === "responses" ? 5 : 4 });
    expect(entries[0]?.tokensAfter).toBeLessThan(entries[0]?.tokensBefore ?? 0);
    // The summary request is paid for like any other.
    const billed = requests.reduce((sum, r) => sum + Math.ceil(JSON.stringify(r.body).length / 4), 0);
    expect(result.usage.inputTokens).toBe(billed);
  });

  it("stops with a clear reason, and sends nothing more, when the summary request fails", async () => {
    const script = readingSession();
    await using h = await startHarness({ api, files: FILES, script: (ctx) => (isSummaryRequest(ctx.body) ? { error: { status: 400 } } : script(ctx)) });
    const result = await h.run({ instructions: INSTRUCTIONS, prompt: PROMPT, contextWindow: baseTokens + WINDOW_ABOVE_BASE, compaction: { threshold: 1, keepItems: 2 } });

    expect(result.outcome).toBe("model-error");
    expect(result.reason).toMatch(/^could not summarise earlier turns, stopped rather than overflow the context: /);
    expect(h.server.requests).toHaveLength(5);
    expect(isSummaryRequest(h.server.requests[4]?.body ?? {})).toBe(true);
  });
});

describe("compaction limits", () => {
  it("stops rather than overflow when the recent turns alone exceed the window", async () => {
    await using h = await startHarness({ files: { "big.txt": "y".repeat(12_000) }, script: [call("shell", { command: ["cat", "big.txt"] }), { text: "never" }] });
    const result = await h.run({ instructions: INSTRUCTIONS, prompt: PROMPT, contextWindow: baseTokens + 1_000, compaction: { keepItems: 2 } });

    expect(h.server.requests).toHaveLength(1);
    expect(result.outcome).toBe("budget");
    expect(result.reason).toMatch(/^context: the next request \(≈[\d,]+ input tokens\) exceeds gpt-5\.1-codex's window of [\d,]+ tokens and the recent turns leave nothing to compact$/);
  });
});

describe("splitForCompaction", () => {
  const prompt: Item = { type: "message", role: "user", text: "task" };
  const answer = (n: number): Item[] => [
    { type: "reasoning", id: `rs_${n}`, summary: [], encryptedContent: "e" },
    { type: "message", role: "assistant", text: `step ${n}` },
    { type: "function_call", callId: `c${n}a`, name: "shell", arguments: "{}" },
    { type: "function_call", callId: `c${n}b`, name: "shell", arguments: "{}" },
    { type: "function_call_output", callId: `c${n}a`, output: "a" },
    { type: "function_call_output", callId: `c${n}b`, output: "b" },
  ];

  it("never separates a call from its output or reasoning from its answer", () => {
    const verifyFailed: Item = { type: "message", role: "user", text: "verify failed" };
    const items = [prompt, ...answer(1), verifyFailed, ...answer(2), ...answer(3)];

    expect(unitsOf(items.slice(1)).map((unit) => unit.length)).toEqual([6, 1, 6, 6]);
    // Asking to keep 2 items keeps the whole last answer with both outputs.
    const split = splitForCompaction(items, 2);
    expect(split?.recent).toEqual(answer(3));
    expect(split?.old).toEqual([...answer(1), verifyFailed, ...answer(2)]);
    expect(split?.prompt).toBe(prompt);
    expect(splitForCompaction(items, 7)?.recent).toEqual([...answer(2), ...answer(3)]);
  });

  it("has nothing to compact when the recent items are all there is", () => {
    expect(splitForCompaction([prompt, ...answer(1)], 2)).toBeUndefined();
    expect(splitForCompaction([prompt], 2)).toBeUndefined();
  });
});

describe("stable prefix", () => {
  it.each(["responses", "chat"] as const)("sends the same instructions, tools and prompt_cache_key each turn, the input only growing (%s)", async (api) => {
    let turn = 0;
    await using h = await startHarness({
      api,
      script: () => (++turn <= 2 ? { ...call("shell", { command: ["true"] }), usage: { input: 3000, output: 50, cached: 2048 } } : { text: "Done.", usage: { input: 3100, output: 20, cached: 2900 } }),
    });
    const result = await h.run({ promptCacheKey: "git-codex-test-key" });

    const bodies = h.server.requests.map((r) => r.body);
    expect(bodies).toHaveLength(3);
    for (const body of bodies) {
      expect(body.prompt_cache_key).toBe("git-codex-test-key");
      expect(body.tools).toEqual(bodies[0]?.tools);
      expect(body.instructions).toEqual(bodies[0]?.instructions);
    }
    const list = (body: Record<string, unknown> | undefined) => (body?.input ?? body?.messages) as unknown[];
    for (let i = 1; i < bodies.length; i++) {
      const before = list(bodies[i - 1]);
      expect(list(bodies[i]).slice(0, before.length)).toEqual(before);
    }
    expect(result.usage).toEqual({ inputTokens: 9100, outputTokens: 120, cachedTokens: 6996 });
  });
});
