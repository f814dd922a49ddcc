import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runAgent } from "../../src/agent/loop.ts";
import { createOpenAIClient } from "../../src/agent/openai-client.ts";
import { buildInstructions } from "../../src/agent/instructions.ts";
import type { AgentOptions, AgentResult, ModelClient } from "../../src/agent/types.ts";
import type { Api } from "../../src/tasks/types.ts";
import { startScriptedServer, type Script, type ScriptedServer } from "../../src/demo/scripted-server.ts";
import { createFakeClock, type FakeClock } from "./fake-clock.ts";
import { createLocalExecutor } from "./local-executor.ts";
import { assertValidRequest } from "./openai-spec.ts";

export interface Harness extends AsyncDisposable {
  server: ScriptedServer;
  client: ModelClient;
  clock: FakeClock;
  workdir: string;
  /** Runs the agent, then checks every request it sent against OpenAI's spec. */
  run(overrides?: Partial<AgentOptions>): Promise<AgentResult>;
}

export interface HarnessOptions {
  script: Script;
  api?: Api;
  /** Files to create in the worktree, by relative path. */
  files?: Record<string, string>;
}

export const TEST_MODEL = "gpt-5.1-codex";

/** A scripted server, the real OpenAI client pointed at it and a temporary worktree. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const server = await startScriptedServer({ script: options.script });
  const workdir = await mkdtemp(join(tmpdir(), "git-codex-agent-"));
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(workdir, path)), { recursive: true });
    await writeFile(join(workdir, path), content);
  }
  const api = options.api ?? "responses";
  const client = createOpenAIClient({ apiKey: "sk-test-key", baseURL: server.url, api });
  const clock = createFakeClock();
  return {
    server,
    client,
    clock,
    workdir,
    async run(overrides = {}) {
      const result = await runAgent({
        client,
        executor: createLocalExecutor(),
        clock,
        model: TEST_MODEL,
        workdir,
        instructions: buildInstructions({ workdir, sandbox: "none" }),
        prompt: "Do the task.",
        budget: { turns: 20, minutes: 30 },
        redact: (text) => text,
        ...overrides,
      });
      for (const request of server.requests) assertValidRequest(request.api, request.body);
      return result;
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

/** Shorthand for a scripted tool call turn. */
export function call(name: string, args: object | string): { toolCalls: { name: string; arguments: object | string }[] } {
  return { toolCalls: [{ name, arguments: args }] };
}

export type Input = Record<string, unknown>[];

/** The Responses `input` of a recorded request. */
export function inputOf(server: ScriptedServer, index: number): Input {
  return (server.requests[index]?.body.input ?? []) as Input;
}

/** The function_call_output texts of the last request, Responses or Chat. */
export function toolOutputs(server: ScriptedServer, index = server.requests.length - 1): string[] {
  const body = server.requests[index]?.body ?? {};
  if (Array.isArray(body.input)) {
    return (body.input as Input).filter((item) => item.type === "function_call_output").map((item) => String(item.output));
  }
  return ((body.messages ?? []) as Input).filter((message) => message.role === "tool").map((message) => String(message.content));
}
