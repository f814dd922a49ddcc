import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS_MD_BUDGET, readAgentsChain, workdirProblem } from "../../src/agent/agents-md.ts";
import { definitionHash, parseTaskFile, resolveSettings } from "../../src/tasks/index.ts";

let root = "";
let outside = "";
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "git-codex-agents-"));
  outside = await mkdtemp(join(tmpdir(), "git-codex-outside-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function files(entries: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(entries)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe("readAgentsChain", () => {
  it("reads nothing when there is no AGENTS.md anywhere, and skips missing folders and empty files", async () => {
    expect(await readAgentsChain(root, "")).toEqual([]);
    await files({ "pkg/AGENTS.md": "  \n", "AGENTS.md": "" });
    expect(await readAgentsChain(root, "pkg/not/there")).toEqual([]);
  });

  it("reads the chain from the root down to the working directory, root first", async () => {
    await files({ "AGENTS.md": "root rules", "pkg/AGENTS.md": "pkg rules", "pkg/api/AGENTS.md": "api rules", "other/AGENTS.md": "not on the path" });
    const chain = await readAgentsChain(root, "pkg/api");
    expect(chain).toEqual([
      { path: "AGENTS.md", text: "root rules" },
      { path: "pkg/AGENTS.md", text: "pkg rules" },
      { path: "pkg/api/AGENTS.md", text: "api rules" },
    ]);
    expect((await readAgentsChain(root, "")).map((doc) => doc.path)).toEqual(["AGENTS.md"]);
  });

  it("takes AGENTS.override.md instead of AGENTS.md in the same folder, and only there", async () => {
    await files({ "AGENTS.md": "root", "pkg/AGENTS.md": "shared pkg rules", "pkg/AGENTS.override.md": "local override" });
    expect(await readAgentsChain(root, "pkg")).toEqual([
      { path: "AGENTS.md", text: "root" },
      { path: "pkg/AGENTS.override.md", text: "local override" },
    ]);
  });

  it("shares one budget along the chain: the file that does not fit is cut with a marker, later ones are named as left out", async () => {
    await files({ "AGENTS.md": "a".repeat(30 * 1024), "pkg/AGENTS.md": "b".repeat(4 * 1024), "pkg/deep/AGENTS.md": "c" });
    const chain = await readAgentsChain(root, "pkg/deep");
    expect(chain[0]?.text).toBe("a".repeat(30 * 1024));
    expect(chain[1]?.text).toBe(`${"b".repeat(2 * 1024)}\n[pkg/AGENTS.md cut after 2048 of 4096 bytes: the AGENTS.md chain shares a 32 KiB budget]`);
    expect(chain[2]).toEqual({ path: "pkg/deep/AGENTS.md", text: "[pkg/deep/AGENTS.md left out: the 32 KiB budget for AGENTS.md files is spent]" });
    const used = chain.slice(0, 2).reduce((sum, doc) => sum + Buffer.byteLength(doc.text.split("\n[")[0] ?? ""), 0);
    expect(used).toBe(AGENTS_MD_BUDGET);
  });

  it("never cuts inside a multi-byte character", async () => {
    await files({ "AGENTS.md": "é".repeat(10) });
    const [doc] = await readAgentsChain(root, "", 5);
    expect(doc?.text.startsWith("éé\n[AGENTS.md cut after 4 of 20 bytes")).toBe(true);
  });

  it("ignores a symlinked AGENTS.md (falling back to the folder's other file) and never enters a symlinked folder", async () => {
    await writeFile(join(outside, "secret"), "private key material");
    await files({ "AGENTS.md": "root" });
    await mkdir(join(root, "pkg"));
    await symlink(join(outside, "secret"), join(root, "pkg", "AGENTS.override.md"));
    await writeFile(join(root, "pkg", "AGENTS.md"), "pkg rules");
    await symlink(outside, join(root, "linked"));
    await writeFile(join(outside, "AGENTS.md"), "from outside the worktree");
    expect(await readAgentsChain(root, "pkg")).toEqual([{ path: "AGENTS.md", text: "root" }, { path: "pkg/AGENTS.md", text: "pkg rules" }]);
    expect(await readAgentsChain(root, "linked")).toEqual([{ path: "AGENTS.md", text: "root" }]);
    const all = JSON.stringify([await readAgentsChain(root, "pkg"), await readAgentsChain(root, "linked")]);
    expect(all).not.toMatch(/private key|outside the worktree/);
  });

  it("ignores an AGENTS.md that is a folder", async () => {
    await mkdir(join(root, "AGENTS.md"));
    expect(await readAgentsChain(root, "")).toEqual([]);
  });
});

describe("workdirProblem", () => {
  it("accepts a real folder and explains a missing one, a file, a symlink or a way out", async () => {
    await files({ "pkg/api/index.ts": "", "README.md": "" });
    await symlink(outside, join(root, "linked"));
    expect(await workdirProblem(root, "pkg/api")).toBeUndefined();
    expect(await workdirProblem(root, "pkg/nope")).toMatch(/"pkg\/nope" is not a folder in the task's commit \("pkg\/nope" is missing/);
    expect(await workdirProblem(root, "README.md")).toMatch(/not a folder/);
    expect(await workdirProblem(root, "linked")).toMatch(/not a folder/);
    expect(await workdirProblem(root, "../x")).toMatch(/must stay inside the worktree/);
  });
});

describe("workdir: and memory: in the task file", () => {
  const task = (...lines: string[]) => ["version: 1", "defaults:", "  workdir: packages/web", "tasks:", "  t:", "    prompt: go", ...lines.map((l) => `    ${l}`), ""].join("\n");

  it("takes a relative folder (normalised) and a boolean, the task's own over the defaults'", () => {
    const result = parseTaskFile(task("workdir: ./packages//api/", "memory: false"));
    expect(result.invalidTasks).toEqual({});
    const settings = resolveSettings(result.file?.tasks.t ?? { prompt: "" }, result.file?.defaults ?? {}, {});
    expect(settings).toMatchObject({ workdir: "packages/api", memory: false });
    const root = parseTaskFile(task("workdir: ."));
    expect(resolveSettings(root.file?.tasks.t ?? { prompt: "" }, root.file?.defaults ?? {}, {}).workdir).toBeUndefined();
    // Another working directory is another version of the task: it runs again.
    const hashOf = (def: { prompt: string; workdir?: string }) => definitionHash(def, {});
    expect(hashOf({ prompt: "go", workdir: "a" })).not.toBe(hashOf({ prompt: "go", workdir: "b" }));
    expect(hashOf({ prompt: "go", workdir: "" })).toBe(hashOf({ prompt: "go" }));
  });

  it.each([
    ["../outside", /workdir in task "t" must stay inside the repository \(no ".." folders\): "..\/outside"/],
    ["/etc", /must be relative to the repository root: "\/etc"/],
    ["pkg\\\\api", /must use \/ between folders/],
    ["sub/.git/hooks", /names a .git folder/],
    ["''", /must be a folder path/],
    ["[a]", /must be a folder path: a list \["a"\]/],
  ])("refuses workdir %s with a clear message", (value, message) => {
    const result = parseTaskFile(task(`workdir: ${value}`));
    expect(result.invalidTasks.t?.map((p) => p.message).join("\n")).toMatch(message);
  });

  it("refuses a memory: that is not a boolean", () => {
    const result = parseTaskFile(task("memory: yes"));
    expect(result.invalidTasks.t?.[0]).toMatchObject({ message: 'memory in task "t" must be true or false, got "yes"', path: "tasks.t.memory" });
  });
});
