import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../src/util/process.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the installed binary", () => {
  it("builds and answers --help through bin/git-codex.js, as npx git-codex does", async () => {
    const build = await runProcess(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], { cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    const help = await runProcess(process.execPath, [`${ROOT}bin/git-codex.js`, "--help"], { cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: git-codex/m);
  });

  it("runs the README's `npm run demo` from the project's own files", async () => {
    const demo = await runProcess("npm", ["run", "--silent", "demo"], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeoutMs: 120_000 });
    expect(demo.exitCode, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/Your clone is untouched/);
  });
});
