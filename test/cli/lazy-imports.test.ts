import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startDaemon, type Daemon } from "../helpers/daemon.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";
import { startGitHubStandIn, type StandIn } from "../forge/github-stand-in.ts";
import { buildDeps } from "../../src/cli/deps.ts";
import { ConfigError } from "../../src/run/errors.ts";

/**
 * Start-up cost: each command loads only the packages it uses. The CLI runs as a real
 * process with a resolution hook preloaded (test/fixtures/record-packages.ts) that writes
 * down every npm package the process resolves.
 */
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const RECORDER = pathToFileURL(fileURLToPath(new URL("../fixtures/record-packages.ts", import.meta.url))).href;
const TOKEN = "ghp_standintoken0000000000000000000000";
const HEAVY = ["openai", "octokit", "pino-pretty"];

let world: GitWorld;
let model: ScriptedModel | undefined;
let github: StandIn | undefined;
let daemon: Daemon | undefined;
let runs = 0;

/** The environment that makes a process record its packages into a fresh file. */
function recording(env: Record<string, string | undefined>): { env: Record<string, string | undefined>; packages: () => Promise<Set<string>> } {
  const file = join(world.root, `packages-${++runs}.txt`);
  const packages = async () => new Set((await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean));
  return { env: { ...env, NODE_OPTIONS: `--import=${RECORDER}`, RECORD_PACKAGES_TO: file }, packages };
}

/** Runs `git-codex args` in its own process and returns its exit code, output and the packages it loaded. */
async function cli(args: string[], env: Record<string, string | undefined>, cwd = world.clone) {
  const record = recording(env);
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: record.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr, packages: await record.packages() };
}

/** A forge is set up (token, repository, API), so only laziness keeps Octokit out. */
async function withGitHub(): Promise<Record<string, string | undefined>> {
  github = await startGitHubStandIn({ token: TOKEN });
  return { ...world.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: "octo/app", GIT_CODEX_LOG_FORMAT: "json" };
}

describe("lazy loading of heavy packages", () => {
  beforeEach(async () => {
    world = await createGitWorld();
    await world.commit({ "README.md": "# app\n" }, "Initial commit");
  });
  afterEach(async () => {
    await daemon?.stop("SIGKILL");
    daemon = undefined;
    await model?.close();
    model = undefined;
    await github?.close();
    github = undefined;
    await world.dispose();
  });

  it("prints --help and status --help without loading openai, octokit or pino-pretty", async () => {
    for (const args of [["--help"], ["status", "--help"]]) {
      const { code, stdout, packages } = await cli(args, { ...world.env, GIT_CODEX_LOG_FORMAT: "pretty" });

      expect(code, args.join(" ")).toBe(0);
      expect(stdout).toContain("Usage: git-codex");
      expect(packages).toContain("commander"); // the recorder works
      // Nor the rest of the program: no logger, task parser or file watcher either.
      for (const name of [...HEAVY, "pino", "yaml", "chokidar"]) expect(packages, `${args.join(" ")} loaded ${name}`).not.toContain(name);
      expect([...packages].filter((name) => name.startsWith("@octokit/"))).toEqual([]);
    }
  });

  it("runs run --once with nothing to do without loading openai or octokit, though a forge and a model are set up", async () => {
    const env = { ...(await withGitHub()), OPENAI_API_KEY: "sk-test-lazy-key", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };

    const { code, stderr, packages } = await cli(["run", "--once"], env);

    expect(code, stderr).toBe(0);
    expect(packages).toContain("pino"); // the run got as far as its logger
    for (const name of [...HEAVY, "chokidar"]) expect(packages, `run --once loaded ${name}`).not.toContain(name);
    expect(github?.requests).toEqual([]);
  });

  it("loads pino-pretty when pretty logs are chosen, and writes human lines with it", async () => {
    // A misconfigured forge is worth a warning: one log line to look at.
    const env = { ...world.env, OPENAI_API_KEY: "sk-test-lazy-key", GITHUB_API_URL: "ftp://github.invalid", GIT_CODEX_LOG_FORMAT: "pretty" };

    const { code, stderr, packages } = await cli(["run", "--once"], env);

    expect(code, stderr).toBe(0);
    expect(packages).toContain("pino-pretty");
    expect(stderr).toMatch(/WARN.*GITHUB_API_URL "ftp:\/\/github.invalid" is not an http\(s\) URL/);
    expect(stderr).not.toMatch(/^\{/m); // human lines, not JSON
  });

  it("loads openai for a task's agent and octokit for its pull request, and the task still succeeds", async () => {
    model = await startModel({ "the lazy file": addFile("lazy.txt", "loaded late") });
    const env = { ...(await withGitHub()), OPENAI_API_KEY: "sk-test-lazy-key", OPENAI_BASE_URL: model.url };
    await world.commit({ "a.txt": "a" }, "Ask for a file\n\nCodex: write the lazy file\n");

    const { code, stderr, packages } = await cli(["run", "--once"], env);

    expect(code, stderr).toBe(0);
    expect(packages).toContain("openai");
    expect(packages).toContain("octokit");
    expect(github?.pulls("octo", "app")).toHaveLength(1);
  });

  it("keeps an idle daemon free of openai and octokit", async () => {
    const record = recording({ ...(await withGitHub()), OPENAI_API_KEY: "sk-test-lazy-key", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
    daemon = startDaemon([world.clone, "--poll", "1h"], { cwd: world.root, env: record.env });

    await daemon.waitForLog((line) => line.msg === "watching");
    // A clean stop waits for the cycle that started with the daemon: it has looked for work.
    expect((await daemon.stop("SIGTERM")).code).toBe(0);
    const packages = await record.packages();

    expect(packages).toContain("chokidar"); // the daemon watches the remote on this disk
    for (const name of HEAVY) expect(packages, `the idle daemon loaded ${name}`).not.toContain(name);
  });
});

describe("the image generator that buildDeps hands out", () => {
  // A 1x1 PNG, as the Images API returns it.
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
  const logStream = new PassThrough() as unknown as NodeJS.WriteStream;
  // A HOME with nothing in it: no user settings of this machine are read.
  const home = { HOME: "/nonexistent/git-codex-test-home" };

  it("loads its module on the first picture and makes it through the Images API", async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ created: 1, data: [{ b64_json: PNG.toString("base64") }] })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const generator = buildDeps({ env: { ...home, OPENAI_API_KEY: "sk-test-image-key", OPENAI_BASE_URL: baseURL }, logStream }).imageGenerator?.();

      expect(await generator?.generate({ model: "gpt-image-1", prompt: "a lighthouse" })).toEqual(PNG);
      expect(await generator?.generate({ model: "gpt-image-1", prompt: "a second lighthouse" })).toEqual(PNG);
      expect(paths).toEqual(["/v1/images/generations", "/v1/images/generations"]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("still says at once that no key or server is set, before anything is loaded", () => {
    const deps = buildDeps({ env: home, logStream });

    expect(() => deps.imageGenerator?.()).toThrow(ConfigError);
  });
});
