import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { McpStartError, startMcpTools, type McpTools } from "../../src/agent/mcp/index.ts";
import { mcpToolName, toolParameters } from "../../src/agent/mcp/tool-spec.ts";
import type { McpServerConfig } from "../../src/tasks/types.ts";
import { call, startHarness, toolOutputs } from "../helpers/agent-harness.ts";
import { createLocalExecutor } from "../helpers/local-executor.ts";
import { processesWith, uniqueMarker } from "../sandbox/helpers.ts";
import { waitUntil } from "../unit/helpers.ts";

const SERVER = fileURLToPath(new URL("../fixtures/mcp-echo-server.ts", import.meta.url));
const echo = (extra: Partial<McpServerConfig> = {}, marker = "echo-server"): McpServerConfig => ({ command: [process.execPath, SERVER, marker], ...extra });
const done = { text: "Done." };

function start(workdir: string, servers: Record<string, McpServerConfig>, required: string[] = Object.keys(servers)): Promise<McpTools> {
  return startMcpTools({ servers, required: new Set(required), executor: createLocalExecutor(), workdir, timeoutMs: 30_000 });
}

describe("MCP servers as agent tools", () => {
  it("offers the server's tools to the model and gives it the result of a call", async () => {
    await using h = await startHarness({ script: [call("mcp__echo__add", { a: 2, b: 3 }), done] });
    const mcp = await start(h.workdir, { echo: echo() });
    try {
      const result = await h.run({ tools: mcp.tools });

      expect(result.outcome).toBe("completed");
      const offered = h.server.requests[0]?.body.tools as { name: string; description: string; parameters: unknown }[];
      const add = offered.find((tool) => tool.name === "mcp__echo__add");
      expect(add?.description).toBe('[MCP server "echo", tool "add"] Adds two numbers.');
      expect(add?.parameters).toEqual({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] });
      expect(toolOutputs(h.server)).toEqual(["5"]);
    } finally {
      await mcp.close();
    }
  });

  it("runs the server in the worktree, with the declared environment added", async () => {
    await using h = await startHarness({ script: [call("mcp__echo__write_note", { name: "note.txt", text: "from mcp" }), call("mcp__echo__env", { name: "GREETING" }), done], api: "chat" });
    const mcp = await start(h.workdir, { echo: echo({ env: { GREETING: "hello from the task file" } }) });
    try {
      await h.run({ tools: mcp.tools });
    } finally {
      await mcp.close();
    }
    expect(await readFile(`${h.workdir}/note.txt`, "utf8")).toBe("from mcp");
    expect(toolOutputs(h.server)[1]).toBe("hello from the task file");
  });

  it("offers only the tools listed in tools:, and refuses a name the server does not have", async () => {
    await using h = await startHarness({ script: [done] });
    const mcp = await start(h.workdir, { echo: echo({ tools: ["add"] }) });
    expect(mcp.tools.map((tool) => tool.spec.name)).toEqual(["mcp__echo__add"]);
    await mcp.close();

    await expect(start(h.workdir, { echo: echo({ tools: ["add", "sub"] }) })).rejects.toThrow(/MCP server "echo" did not start: it has no tool "sub"; its tools are: add, write_note/);
  });

  it("lets the model read a tool's error, describes images, and truncates long output", async () => {
    await using h = await startHarness({ script: [call("mcp__echo__read_file", { path: "/nonexistent/file" }), call("mcp__echo__picture", {}), call("mcp__echo__big", { chars: 50_000 }), done] });
    const mcp = await start(h.workdir, { echo: echo() });
    try {
      await h.run({ tools: mcp.tools, maxToolOutputChars: 1000 });
    } finally {
      await mcp.close();
    }
    const [error, picture, big] = toolOutputs(h.server);
    expect(error).toBe("the tool reported an error: cannot read /nonexistent/file: ENOENT");
    expect(picture).toBe("a red dot\n[image image/png, 8 bytes, not shown]");
    expect(big?.length).toBeLessThanOrEqual(1000);
    expect(big).toMatch(/characters truncated/);
  });

  it("fails a required server that cannot start, quoting what it said, and leaves nothing running", async () => {
    await using h = await startHarness({ script: [done] });
    const marker = uniqueMarker();
    const broken = { command: [process.execPath, "-e", "process.stderr.write('missing config file'); process.exit(3)"] };
    const error = await start(h.workdir, { echo: echo({}, marker), broken }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(McpStartError);
    expect((error as Error).message).toMatch(/^MCP server "broken" did not start: .*; it said: missing config file$/);
    // The echo server started fine, and was stopped with the failed start.
    expect(await waitUntil(() => processesWith(marker).length === 0, 5000)).toBe(true);
    await expect(start(h.workdir, { nothing: { command: ["/nonexistent/mcp-server"] } })).rejects.toThrow(/MCP server "nothing" did not start: spawn \/nonexistent\/mcp-server ENOENT/);
  });

  it("leaves out an optional server that cannot start, with a note, and keeps the others", async () => {
    await using h = await startHarness({ script: [done] });
    const mcp = await start(h.workdir, { echo: echo(), broken: { command: [process.execPath, "-e", "process.exit(1)"] } }, ["echo"]);
    try {
      expect(mcp.tools.map((tool) => tool.spec.name)).toContain("mcp__echo__add");
      expect(mcp.notes).toEqual([expect.stringMatching(/^MCP server "broken" did not start: .*; the task runs without it$/)]);
    } finally {
      await mcp.close();
    }
  });

  it("stops the server and the processes it started when closed", async () => {
    const marker = uniqueMarker();
    await using h = await startHarness({ script: [call("mcp__echo__spawn_sleeper", { seconds: marker }), done] });
    const mcp = await start(h.workdir, { echo: echo({}, marker) });
    await h.run({ tools: mcp.tools });
    // The server and its sleep.
    expect(processesWith(marker)).toHaveLength(2);

    await mcp.close();

    expect(await waitUntil(() => processesWith(marker).length === 0, 5000)).toBe(true);
  });
});

describe("MCP tool specs", () => {
  it("names tools within the API's charset and 64 characters, distinctly", () => {
    expect(mcpToolName("docs", "search.pages", new Set())).toBe("mcp__docs__search_pages");
    const long = mcpToolName("a-server", "x".repeat(100), new Set());
    expect(long).toMatch(/^mcp__a-server__x+_[0-9a-f]{8}$/);
    expect(long).toHaveLength(64);
    expect(mcpToolName("docs", "search.pages", new Set(["mcp__docs__search_pages"]))).toMatch(/^mcp__docs__search_pages_[0-9a-f]{8}$/);
  });

  it("keeps an object schema at the top and replaces what the APIs would refuse", () => {
    expect(toolParameters({ $schema: "x", type: "object", properties: { q: { type: "string" } }, required: ["q", "missing", 3] })).toEqual({ parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } });
    expect(toolParameters({ anyOf: [{ type: "string" }] }).parameters).toEqual({ type: "object", properties: {} });
    expect(toolParameters(undefined)).toMatchObject({ parameters: { type: "object", properties: {}, additionalProperties: true }, note: "the server gave no input schema" });
    const huge = { type: "object", properties: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`p${i}`, { type: "string" }])) };
    expect(toolParameters(huge).note).toMatch(/input schema is over 16000 characters/);
  });
});
