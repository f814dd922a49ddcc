import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUserMcp } from "../../src/cli/mcp-config.ts";
import { parseTaskFile, resolveSettings } from "../../src/tasks/index.ts";
import { parseMcpConfig } from "../../src/tasks/validate-mcp.ts";

const file = (task: string[], defaults: string[] = []) =>
  ["version: 1", ...(defaults.length > 0 ? ["defaults:", ...defaults.map((l) => `  ${l}`)] : []), "tasks:", "  t:", "    prompt: go", ...task.map((l) => `    ${l}`), "  fine:", "    prompt: ok", ""].join("\n");

const problemsOf = (task: string[]) => parseTaskFile(file(task)).invalidTasks.t ?? [];

describe("mcp:, tools: and image_model: in the task file", () => {
  it("reads them per task and under defaults", () => {
    const result = parseTaskFile(
      file(
        ["tools: [web_fetch, image, web_fetch]", "image_model: dall-e-3", "mcp:", "  echo:", '    command: ["node", "server.ts"]', "    env: { GREETING: hi }", "    tools: [add]"],
        ["mcp:", "  docs:", "    command: [npx, -y, docs-mcp]"],
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.invalidTasks).toEqual({});
    expect(result.file?.defaults.mcp).toEqual({ docs: { command: ["npx", "-y", "docs-mcp"] } });
    expect(result.file?.tasks.t).toMatchObject({
      tools: ["web_fetch", "image"],
      imageModel: "dall-e-3",
      mcp: { echo: { command: ["node", "server.ts"], env: { GREETING: "hi" }, tools: ["add"] } },
    });
  });

  it("rejects an unknown optional tool with a did-you-mean hint, while the other tasks still run", () => {
    const result = parseTaskFile(file(["tools: [webfetch, 3]"]));
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["fine"]);
    expect(result.invalidTasks.t).toEqual([
      expect.objectContaining({ message: 'tools entry 1 in task "t" is not an optional tool: "webfetch"', hint: 'did you mean "web_fetch"?', path: "tasks.t.tools.0", line: 5 }),
      expect.objectContaining({ message: 'tools entry 2 in task "t" is not an optional tool: 3', hint: "optional tools: web_fetch, image; MCP servers go under mcp:" }),
    ]);
    expect(problemsOf(["tools: web_fetch"])[0]?.message).toBe('tools in task "t" must be a list of tool names, got "web_fetch"');
    expect(problemsOf(["image_model: ''"])[0]?.message).toBe('image_model in task "t" must be a non-empty string, got ""');
  });

  it("rejects an unknown key of a server with a hint, and a misspelt setting name", () => {
    expect(problemsOf(["mcp:", "  echo:", "    comand: [node]"]).map((p) => [p.message, p.hint])).toEqual([
      ['unknown key "comand" in MCP server "echo" in task "t"', 'did you mean "command"?'],
      ['command: is missing in MCP server "echo" in task "t"', 'e.g. mcp: { docs: { command: ["node", "tools/docs-mcp.js"] } }'],
    ]);
    expect(problemsOf(["mpc: {}"])[0]).toMatchObject({ message: 'unknown key "mpc" in task "t"', hint: 'did you mean "mcp"?' });
  });

  it("rejects bad server names, commands, env and tool lists, quoting them", () => {
    const messages = problemsOf([
      "mcp:",
      "  bad name: { command: [x] }",
      "  empty: { command: [] }",
      '  blank: { command: [node, ""] }',
      '  assign: { command: ["A=1", x] }',
      "  envs: { command: [x], env: { PORT: 8080, 1X: a } }",
      "  secret: { command: [x], env: { GITHUB_TOKEN: ghp_x } }",
      "  picky: { command: [x], tools: [] }",
      "  notmap: [x]",
    ]).map((p) => p.message);
    expect(messages).toEqual([
      'MCP server name "bad name" in task "t" is not a short identifier',
      'command must be a list of 1 to 64 strings (program, then arguments), got a list [] in MCP server "empty" in task "t"',
      'command entry 2 is not a non-empty string: "" in MCP server "blank" in task "t"',
      'the program "A=1" contains "=" in MCP server "assign" in task "t"',
      'env "PORT" must be a string, got 8080 in MCP server "envs" in task "t"',
      'env name "1X" is not a variable name in MCP server "envs" in task "t"',
      'env "GITHUB_TOKEN" looks like a secret, and the task file is public in MCP server "secret" in task "t"',
      'tools must be a non-empty list of the server\'s tool names, got a list [] in MCP server "picky" in task "t"',
      'MCP server "notmap" in task "t" must be a mapping with command:, got a list ["x"]',
    ]);
  });

  it("makes the whole file invalid for a bad default", () => {
    const result = parseTaskFile(file([], ["mcp: [x]"]));
    expect(result.file).toBeUndefined();
    expect(result.errors.map((p) => p.message)).toEqual(['mcp in defaults must be a mapping of server names to servers, got a list ["x"]']);
  });
});

describe("tool settings, resolved", () => {
  it("merges MCP servers by name (the task wins), replaces tools:, and leaves all absent when unset", () => {
    const defaults = { mcp: { docs: { command: ["docs"] }, echo: { command: ["old"] } }, tools: ["web_fetch" as const], imageModel: "dall-e-3" };
    const resolved = resolveSettings({ mcp: { echo: { command: ["new"] } }, tools: ["image"] }, defaults, {});
    expect(resolved).toMatchObject({ mcp: { docs: { command: ["docs"] }, echo: { command: ["new"] } }, tools: ["image"], imageModel: "dall-e-3" });
    expect(resolved.mcp?.docs).not.toBe(defaults.mcp.docs);
    const plain = resolveSettings({}, {}, {});
    expect("mcp" in plain || "tools" in plain || "imageModel" in plain).toBe(false);
  });
});

describe("the machine's mcp.yml", () => {
  it("has the task file's shape under mcp:, and may hold secrets", () => {
    const parsed = parseMcpConfig('mcp:\n  github:\n    command: [github-mcp]\n    env: { GITHUB_TOKEN: "ghp_secret" }\n', "mcp.yml");
    expect(parsed).toEqual({ servers: { github: { command: ["github-mcp"], env: { GITHUB_TOKEN: "ghp_secret" } } }, problems: [] });
    expect(parseMcpConfig("", "mcp.yml")).toEqual({ servers: {}, problems: [] });
  });

  it("reports problems with their place and uses none of the servers", () => {
    const parsed = parseMcpConfig("servers:\n  x: {}\nmcp:\n  ok: { command: [a] }\n  bad: { command: a }\n", "mcp.yml");
    expect(parsed.servers).toEqual({});
    expect(parsed.problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [1, 'unknown key "servers" in mcp.yml', "allowed keys: mcp"],
      [5, 'command must be a list of 1 to 64 strings (program, then arguments), got "a" in MCP server "bad" in mcp.yml', 'no shell is involved; e.g. mcp: { docs: { command: ["node", "tools/docs-mcp.js"] } }'],
    ]);
    expect(parseMcpConfig("mcp: [", "mcp.yml").problems[0]?.message).toMatch(/^invalid YAML/);
  });
});

describe("reading the machine's mcp.yml", () => {
  it("finds none without the file, gives the secrets of a valid one to the redactor, and keeps the problems of a bad one", async () => {
    const root = await mkdtemp(join(tmpdir(), "git-codex-mcp-config-"));
    try {
      const env = { HOME: root, XDG_CONFIG_HOME: join(root, "config") };
      expect(readUserMcp(env)).toEqual({ servers: {}, secrets: [] });

      const path = join(root, "config", "git-codex", "mcp.yml");
      await mkdir(join(root, "config", "git-codex"), { recursive: true });
      await writeFile(path, 'mcp:\n  gh:\n    command: [gh-mcp]\n    env: { GH_TOKEN: "ghp_machine_token_1", MODE: readonly }\n');
      expect(readUserMcp(env)).toEqual({ servers: { gh: { command: ["gh-mcp"], env: { GH_TOKEN: "ghp_machine_token_1", MODE: "readonly" } } }, secrets: ["ghp_machine_token_1"] });

      await writeFile(path, "mcp:\n  gh:\n    cmd: [gh-mcp]\n");
      const bad = readUserMcp(env);
      expect(bad.servers).toEqual({});
      expect(bad.error?.message).toBe(`${path} is invalid:\n  ${path}:3:5: unknown key "cmd" in MCP server "gh" in mcp.yml (allowed keys: command, env, tools)\n  ${path}:3:5: command: is missing in MCP server "gh" in mcp.yml (e.g. mcp: { docs: { command: ["node", "tools/docs-mcp.js"] } })`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
