/**
 * The agent loop's own cost: a scripted session of `turns` model requests through the real
 * `runAgent` and OpenAI client (Responses API), each turn one shell or apply_patch call,
 * recording what every request carried: body bytes on the wire and input tokens as the
 * scripted server counts them (request characters / 4; it has no tokenizer).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildInstructions } from "../src/agent/instructions.ts";
import { runAgent } from "../src/agent/loop.ts";
import { createOpenAIClient } from "../src/agent/openai-client.ts";
import { systemClock } from "../src/cli/deps.ts";
import { startScriptedServer, type ScriptTurn } from "../src/demo/scripted-server.ts";
import { createUnsandboxedExecutor } from "../src/sandbox/unsandboxed.ts";
import { markdownTable, type PartResult } from "./table.ts";

export interface LoopOptions {
  turns: number;
  command: string;
  /** Where the temporary worktree goes. */
  tmp: string;
}

export interface LoopTurn {
  turn: number;
  bytes: number;
  tokens: number;
  /** Items in the request's `input`: the conversation so far. */
  items: number;
}

const MODULES = 10;

// 40 lines of about 30 characters: what `cat` of a small source file returns.
const moduleText = (m: number): string => Array.from({ length: 40 }, (_, i) => `export const m${m}_${i} = ${i * m};`).join("\n") + "\n";

/** Even turns read a module with shell, odd turns add a note with apply_patch, the last one answers. */
export function loopScript(turns: number): (ctx: { index: number }) => ScriptTurn {
  return ({ index }) => {
    if (index >= turns - 1) return { text: "Read every module and wrote a note for each." };
    if (index % 2 === 0) return { toolCalls: [{ name: "shell", arguments: { command: ["cat", `src/module-${(index / 2) % MODULES}.ts`] } }] };
    const lines = Array.from({ length: 10 }, (_, i) => `+Note ${index}, line ${i}: module ${((index - 1) / 2) % MODULES} exports 40 constants.`);
    return { toolCalls: [{ name: "apply_patch", arguments: { input: ["*** Begin Patch", `*** Add File: notes/note-${index}.md`, ...lines, "*** End Patch"].join("\n") } }] };
  };
}

/** Runs the session and returns one record per request, in order. */
export async function measureLoop(turns: number, tmp: string): Promise<LoopTurn[]> {
  const workdir = await mkdtemp(join(tmp, "git-codex-bench-loop-"));
  const server = await startScriptedServer({ script: loopScript(turns) });
  try {
    await mkdir(join(workdir, "src"));
    for (let m = 0; m < MODULES; m++) await writeFile(join(workdir, "src", `module-${m}.ts`), moduleText(m));
    const bytes: number[] = [];
    const tokens: number[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const body = init?.body;
      bytes.push(typeof body === "string" ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : NaN);
      return globalThis.fetch(input, init);
    };
    const result = await runAgent({
      client: createOpenAIClient({ apiKey: "bench", baseURL: server.url, api: "responses", fetch }),
      executor: createUnsandboxedExecutor({ env: { PATH: process.env.PATH ?? "", HOME: workdir, LANG: "C.UTF-8" } }),
      clock: systemClock,
      model: "gpt-5.1-codex",
      workdir,
      instructions: buildInstructions({ workdir, sandbox: "none" }),
      prompt: "Read every module under src/ and write a short note about each under notes/.",
      budget: { turns: turns + 5, minutes: 30 },
      redact: (text) => text,
      onEvent: (event) => {
        if (event.type === "turn") tokens.push(event.usage.inputTokens);
      },
    });
    if (result.outcome !== "completed" || result.turns !== turns) throw new Error(`the scripted session ended ${result.outcome} after ${result.turns} turns (${result.reason ?? "no reason"}), expected ${turns} turns`);
    return server.requests.map((request, i) => ({
      turn: i + 1,
      bytes: bytes[i] ?? NaN,
      tokens: tokens[i] ?? NaN,
      items: Array.isArray(request.body.input) ? request.body.input.length : NaN,
    }));
  } finally {
    await server.close();
    await rm(workdir, { recursive: true, force: true });
  }
}

/** Requests that carried fewer bytes than the one before: the conversation was compacted or cut. */
export function shrinkingTurns(records: readonly LoopTurn[]): number[] {
  return records.filter((r, i) => i > 0 && r.bytes < (records[i - 1] as LoopTurn).bytes).map((r) => r.turn);
}

export async function loopPart(options: LoopOptions): Promise<PartResult> {
  const records = await measureLoop(options.turns, options.tmp);
  const first = records[0] as LoopTurn;
  const last = records.at(-1) as LoopTurn;
  const shown = records.filter((r) => r.turn === 1 || r.turn % 10 === 0 || r === last);
  const growth = (last.bytes - first.bytes) / Math.max(1, last.turn - first.turn);
  const lastTen = records.slice(-11);
  const recentGrowth = ((lastTen.at(-1) as LoopTurn).bytes - (lastTen[0] as LoopTurn).bytes) / Math.max(1, lastTen.length - 1);
  const total = records.reduce((sum, r) => sum + r.bytes, 0);
  const shrunk = shrinkingTurns(records);
  const table = markdownTable(["turn", "request body bytes", "input tokens (server's count)", "items in `input`"], shown.map((r) => [String(r.turn), String(r.bytes), String(r.tokens), String(r.items)]));
  const notes = [
    `- growth: ${growth.toFixed(0)} bytes per turn on average (${recentGrowth.toFixed(0)} over the last ${lastTen.length - 1} turns); ${total} bytes sent over the ${records.length} requests.`,
    shrunk.length === 0
      ? "- compaction: not observed; every request carried the whole conversation (stateless Responses requests)."
      : `- compaction: observed; the request shrank at turn${shrunk.length > 1 ? "s" : ""} ${shrunk.join(", ")}.`,
  ];
  const text = `${options.command}   (${options.turns} scripted turns through runAgent and the openai client, Responses API; tokens are the scripted server's count, request characters / 4; node ${process.version})\n\n${table}\n\n${notes.join("\n")}`;
  return {
    text,
    summary: [
      { measurement: `agent loop: request bytes at turn ${last.turn} vs turn 1`, value: last.bytes, unit: "B", floor: { value: first.bytes, name: "turn 1" } },
      { measurement: "agent loop: growth per turn (mean)", value: growth, unit: "B" },
      { measurement: `agent loop: input tokens at turn ${last.turn} (server's count)`, value: last.tokens, unit: "tokens", floor: { value: first.tokens, name: "turn 1" } },
    ],
  };
}
