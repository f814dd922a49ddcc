import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../../src/agent/types.ts";
import { call } from "../helpers/agent-harness.ts";
import { runCli } from "../helpers/cli.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { startModel, type ScriptedModel } from "../helpers/model.ts";
import { hasBwrap, processesWith, uniqueMarker } from "../sandbox/helpers.ts";

const SERVER = fileURLToPath(new URL("../fixtures/mcp-echo-server.ts", import.meta.url));
const TOKEN = "tok-machine-secret-8f3a2c71";

let world: GitWorld;
let model: ScriptedModel | undefined;

beforeEach(async () => {
  world = await createGitWorld();
});
afterEach(async () => {
  await model?.close();
  model = undefined;
  await world.dispose();
});

async function serve(conversations: Parameters<typeof startModel>[0], extra: Record<string, string> = {}) {
  model = await startModel(conversations);
  return { ...world.env, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-mcp-e2e-key", ...extra };
}

/** A task file whose one task declares the echo server (argv as a YAML flow list). */
const taskFile = (prompt: string, command: string[]) =>
  `version: 1\ntasks:\n  plug:\n    prompt: ${JSON.stringify(prompt)}\n    mcp:\n      echo:\n        command: ${JSON.stringify(command)}\n`;

async function show(env: Record<string, string | undefined>) {
  const shown = await runCli(["show", "plug", "--json"], { cwd: world.clone, env });
  return JSON.parse(shown.stdout) as { status: { state: string; reason?: string; sandbox?: string }; transcript: TranscriptEntry[] };
}

const outputs = (transcript: TranscriptEntry[]): string[] =>
  transcript.flatMap((entry) => (entry.type === "item" && entry.item.type === "function_call_output" ? [entry.item.output] : []));

describe.skipIf(!hasBwrap)("MCP servers in run --once, inside bubblewrap", () => {
  it("runs the task's server in the sandbox: it writes the worktree, cannot read the hidden home, and is gone afterwards", async () => {
    const secret = join(world.env.HOME as string, "secret.txt");
    await writeFile(secret, "the user's private notes");
    const marker = uniqueMarker();
    const env = await serve({
      "use the echo server": [
        call("mcp__echo__read_file", { path: secret }),
        call("mcp__echo__write_note", { name: "note.txt", text: "written by mcp" }),
        call("mcp__echo__add", { a: 2, b: 40 }),
        { text: "Used the echo server." },
      ],
    });
    await world.commit({ ".codex-tasks.yml": taskFile("Please use the echo server", [process.execPath, SERVER, marker]) }, "Add a task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    const { status, transcript } = await show(env);
    expect(status).toMatchObject({ state: "done", sandbox: "bubblewrap" });
    const [read, wrote, added] = outputs(transcript);
    expect(read).toBe(`the tool reported an error: cannot read ${secret}: ENOENT`);
    expect(wrote?.startsWith(`wrote note.txt in ${world.env.XDG_CACHE_HOME}/git-codex/worktrees/`), wrote).toBe(true);
    expect(added).toBe("42");
    expect(await world.git.run(["show", "codex/plug:note.txt"], { cwd: world.remote })).toBe("written by mcp");
    expect(processesWith(marker)).toEqual([]);
  });
});

describe("MCP servers in run --once", () => {
  it("fails the task, with the reason in git, when its declared server does not start", async () => {
    const env = await serve({ "use the echo server": [{ text: "never asked" }] }, { GIT_CODEX_SANDBOX: "none" });
    await world.commit({ ".codex-tasks.yml": taskFile("Please use the echo server", [process.execPath, "-e", "console.error('no such database'); process.exit(2)"]) }, "Add a task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode).toBe(1);
    const { status } = await show(env);
    expect(status.state).toBe("failed");
    expect(status.reason).toMatch(/^MCP server "echo" did not start: .*; it said: no such database$/);
    expect(model?.requests).toHaveLength(0);
  });

  it("offers web_fetch only to a task that turns it on, limited to its network list", async () => {
    const page = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>Changelog</h1><p>v2 is out</p>"));
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
      const env = await serve({ "read the changelog": [call("web_fetch", { url }), { text: "Read it." }] }, { GIT_CODEX_SANDBOX: "none" });
      const tasks = `version: 1\ntasks:\n  plug:\n    prompt: Please read the changelog\n    tools: [web_fetch]\n    network: ["127.0.0.1"]\n`;
      await world.commit({ ".codex-tasks.yml": tasks }, "Add a task");

      const run = await runCli(["run", "--once"], { cwd: world.clone, env });

      expect(run.exitCode, run.stderr).toBe(0);
      expect(outputs((await show(env)).transcript)).toEqual([`URL: ${url}\nStatus: 200\nContent-Type: text/html\n\nCHANGELOG\n\nv2 is out`]);
      const offered = (model?.requests[0]?.body.tools as { name: string }[]).map((tool) => tool.name);
      expect(offered).toContain("web_fetch");
      expect(offered).not.toContain("generate_image");
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });

  it("offers this machine's servers from mcp.yml too, and scrubs their secrets from the transcript", async () => {
    const config = join(world.env.XDG_CONFIG_HOME as string, "git-codex");
    await mkdir(config, { recursive: true });
    await writeFile(join(config, "mcp.yml"), `mcp:\n  mine:\n    command: ${JSON.stringify([process.execPath, SERVER])}\n    env: { API_TOKEN: "${TOKEN}" }\n`);
    const env = await serve({ "ask the machine server": [call("mcp__mine__env", { name: "API_TOKEN" }), { text: "Checked." }] }, { GIT_CODEX_SANDBOX: "none" });
    await world.commit({ ".codex-tasks.yml": `version: 1\ntasks:\n  plug:\n    prompt: Please ask the machine server\n` }, "Add a task");

    const run = await runCli(["run", "--once"], { cwd: world.clone, env });

    expect(run.exitCode, run.stderr).toBe(0);
    const { transcript } = await show(env);
    // The server had the value ("(unset)" otherwise); neither the record nor the model sees it.
    expect(outputs(transcript)).toEqual(["[REDACTED]"]);
    expect(await world.git.run(["log", "-p", "--all"], { cwd: world.remote })).not.toContain(TOKEN);
    expect(JSON.stringify(model?.requests)).not.toContain(TOKEN);
  });
});
