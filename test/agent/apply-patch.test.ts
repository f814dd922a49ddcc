import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { applyPatch, parsePatch } from "../../src/agent/apply-patch.ts";

let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "apply-patch-"));
  outside = await mkdtemp(path.join(os.tmpdir(), "apply-patch-outside-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function put(rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

const read = (rel: string): Promise<string> => readFile(path.join(root, rel), "utf8");
const exists = (abs: string): Promise<boolean> => stat(abs).then(() => true, () => false);
const patch = (...lines: string[]): string => ["*** Begin Patch", ...lines, "*** End Patch", ""].join("\n");

async function expectError(text: string): Promise<string> {
  const result = await applyPatch(root, text);
  if (result.ok) throw new Error(`expected a failure, got ${result.summary}`);
  return result.error;
}

describe("applyPatch operations", () => {
  it("adds, updates and deletes files and summarises them like git status --short", async () => {
    await put("src/app.ts", "const a = 1;\nconst b = 2;\n");
    await put("old.txt", "bye\n");
    const result = await applyPatch(root, patch(
      "*** Add File: path/new.txt", "+line one", "+line two",
      "*** Update File: src/app.ts", "@@", " const a = 1;", "-const b = 2;", "+const b = 3;",
      "*** Delete File: old.txt",
    ));
    expect(result).toEqual({ ok: true, summary: "A path/new.txt\nM src/app.ts\nD old.txt", changed: ["path/new.txt", "src/app.ts", "old.txt"] });
    expect(await read("path/new.txt")).toBe("line one\nline two\n");
    expect(await read("src/app.ts")).toBe("const a = 1;\nconst b = 3;\n");
    expect(await exists(path.join(root, "old.txt"))).toBe(false);
  });

  it("moves a file into a new directory while editing it", async () => {
    await put("src/app.ts", "export const x = 1;\n");
    const result = await applyPatch(root, patch(
      "*** Update File: src/app.ts", "*** Move to: lib/deep/main.ts", "@@", "-export const x = 1;", "+export const x = 2;",
    ));
    expect(result).toMatchObject({ ok: true, summary: "R src/app.ts -> lib/deep/main.ts", changed: ["src/app.ts", "lib/deep/main.ts"] });
    expect(await read("lib/deep/main.ts")).toBe("export const x = 2;\n");
    expect(await exists(path.join(root, "src/app.ts"))).toBe(false);
  });

  it("applies several hunks to one file in order", async () => {
    await put("f.txt", ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n") + "\n");
    const result = await applyPatch(root, patch("*** Update File: f.txt", "@@", " a", "-b", "+B", "@@", " f", "-g", "+G", " h"));
    expect(result.ok).toBe(true);
    expect(await read("f.txt")).toBe("a\nB\nc\nd\ne\nf\nG\nh\n");
  });

  it("uses @@ headers to choose between identical blocks", async () => {
    await put("m.py", "class A:\n    def run(self):\n        return 1\n\nclass B:\n    def run(self):\n        return 1\n");
    const result = await applyPatch(root, patch("*** Update File: m.py", "@@ class B:", "@@     def run(self):", "-        return 1", "+        return 2"));
    expect(result.ok).toBe(true);
    expect(await read("m.py")).toBe("class A:\n    def run(self):\n        return 1\n\nclass B:\n    def run(self):\n        return 2\n");
  });

  it("anchors a hunk marked *** End of File at the end of the file", async () => {
    await put("list.txt", "item\nmiddle\nitem\n");
    const result = await applyPatch(root, patch("*** Update File: list.txt", "@@", "-item", "+last", "*** End of File"));
    expect(result.ok).toBe(true);
    expect(await read("list.txt")).toBe("item\nmiddle\nlast\n");
  });

  it("inserts an added-only hunk right below its @@ header", async () => {
    await put("a.ts", "function f() {\n  return 1;\n}\n");
    const result = await applyPatch(root, patch("*** Update File: a.ts", "@@ function f() {", "+  log();"));
    expect(result.ok).toBe(true);
    expect(await read("a.ts")).toBe("function f() {\n  log();\n  return 1;\n}\n");
  });

  it("matches despite trailing whitespace, indentation and typographic punctuation", async () => {
    await put("w.ts", "if (x) {   \n\t\tcall(\u201Chi\u201D); // a \u2014 b\n}\n");
    const result = await applyPatch(root, patch("*** Update File: w.ts", "@@", " if (x) {", '-    call("hi"); // a - b', "+  done();", " }"));
    expect(result.ok).toBe(true);
    expect(await read("w.ts")).toBe("if (x) {   \n  done();\n}\n");
  });

  it("keeps CRLF line endings, even when the patch itself uses CRLF", async () => {
    await put("win.txt", "one\r\ntwo\r\nthree\r\n");
    const text = patch("*** Update File: win.txt", "@@", " one", "-two", "+2", "+2.5", " three").replaceAll("\n", "\r\n");
    expect((await applyPatch(root, text)).ok).toBe(true);
    expect(await read("win.txt")).toBe("one\r\n2\r\n2.5\r\nthree\r\n");
  });

  it("keeps a missing final newline missing", async () => {
    await put("n.txt", "a\nb");
    expect((await applyPatch(root, patch("*** Update File: n.txt", "@@", "-a", "+A")))).toMatchObject({ ok: true });
    expect(await read("n.txt")).toBe("A\nb");
  });

  it("accepts a patch wrapped in a heredoc and without a final newline", async () => {
    await put("h.txt", "old\n");
    const text = ["<<'EOF'", "*** Begin Patch", "*** Update File: h.txt", "@@", "-old", "+new", "*** End Patch", "EOF"].join("\n");
    expect((await applyPatch(root, text)).ok).toBe(true);
    expect(await read("h.txt")).toBe("new\n");
  });

  it("refuses to add an existing file and to update or delete a missing one", async () => {
    await put("here.txt", "x\n");
    expect(await expectError(patch("*** Add File: here.txt", "+y"))).toContain("'here.txt': cannot add");
    expect(await expectError(patch("*** Update File: gone.txt", "@@", "-x", "+y"))).toContain("'gone.txt': cannot update: no such file");
    expect(await expectError(patch("*** Delete File: gone.txt"))).toContain("'gone.txt': cannot delete: no such file");
    expect(await read("here.txt")).toBe("x\n");
  });
});

describe("applyPatch failures", () => {
  it("changes nothing when one hunk fails, even though other operations were valid", async () => {
    await put("good.txt", "keep\n");
    await put("bad.txt", "actual\n");
    const error = await expectError(patch(
      "*** Add File: created.txt", "+new",
      "*** Update File: good.txt", "@@", "-keep", "+changed",
      "*** Update File: bad.txt", "@@", "-missing", "+whatever",
    ));
    expect(error).toContain("No files were changed");
    expect(await read("good.txt")).toBe("keep\n");
    expect(await read("bad.txt")).toBe("actual\n");
    expect(await exists(path.join(root, "created.txt"))).toBe(false);
  });

  it("names the file, the hunk and the missing lines, and shows the closest region", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    lines[19] = "  const total = price * quantity;";
    await put("src/calc.ts", lines.join("\n") + "\n");
    const error = await expectError(patch(
      "*** Update File: src/calc.ts",
      "@@", " line 2", "-line 3", "+LINE 3",
      "@@ line 18", " line 19", "-  const total = price * qty;", "+  const total = price * quantity * 2;",
    ));
    expect(error).toContain("'src/calc.ts'");
    expect(error).toContain("hunk 2 (@@ line 18) of 2");
    expect(error).toContain("patch line 7");
    expect(error).toContain("  const total = price * qty;");
    expect(error).toContain("Closest region in 'src/calc.ts' (line 19");
    expect(error).toMatch(/20 \|\s+const total = price \* quantity;/);
    expect(await read("src/calc.ts")).toBe(lines.join("\n") + "\n");
  });

  it("reports an @@ header that is not in the file", async () => {
    await put("a.py", "def one():\n    pass\n");
    const error = await expectError(patch("*** Update File: a.py", "@@ def two():", "-    pass", "+    return 2"));
    expect(error).toContain("hunk 1 (@@ def two():)");
    expect(error).toContain("Could not find the line named by the header '@@ def two():'");
  });
});

describe("applyPatch path safety", () => {
  it.each([
    ["../outside.txt", "leads outside the repository root"],
    ["/etc/passwd", "is absolute"],
    [".git/config", "is inside .git"],
    ["sub/.git/hooks/pre-commit", "is inside .git"],
  ])("rejects %s", async (target, reason) => {
    const error = await expectError(patch(`*** Add File: ${target}`, "+x"));
    expect(error).toContain(`'${target}'`);
    expect(error).toContain(reason);
    expect(error).toContain("line 2");
  });

  it("rejects a path through a symlink that leads outside the root, leaving the target untouched", async () => {
    await writeFile(path.join(outside, "secret.txt"), "secret\n");
    await symlink(outside, path.join(root, "link"));
    const update = await expectError(patch("*** Update File: link/secret.txt", "@@", "-secret", "+pwned"));
    expect(update).toContain("'link/secret.txt'");
    expect(update).toContain("outside the repository root");
    const add = await expectError(patch("*** Add File: link/new.txt", "+pwned"));
    expect(add).toContain("outside the repository root");
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("secret\n");
    expect(await exists(path.join(outside, "new.txt"))).toBe(false);
  });

  it("rejects a dangling symlink whose target a write would create outside the root", async () => {
    await symlink(path.join(outside, "created.txt"), path.join(root, "dangling.txt"));
    const error = await expectError(patch("*** Add File: dangling.txt", "+x"));
    expect(error).toContain("symbolic link to a missing target");
    expect(await exists(path.join(outside, "created.txt"))).toBe(false);
  });
});

describe("parsePatch", () => {
  it("parses every kind of operation", () => {
    const result = parsePatch(patch(
      "*** Add File: a.txt", "+hi",
      "*** Update File: b.txt", "*** Move to: c.txt", "@@ class X", " ctx", "-old", "+new", "*** End of File",
      "*** Delete File: d.txt",
    ));
    expect(result).toEqual({
      ok: true,
      ops: [
        { type: "add", path: "a.txt", content: "hi\n", line: 2 },
        { type: "update", path: "b.txt", moveTo: "c.txt", line: 4, hunks: [{ headers: ["class X"], oldLines: ["ctx", "old"], newLines: ["ctx", "new"], contextOf: [0, -1], endOfFile: true, line: 6 }] },
        { type: "delete", path: "d.txt", line: 11 },
      ],
    });
  });

  it.each([
    ["an empty patch", "  \n", "the patch is empty"],
    ["a missing Begin Patch", "*** Add File: a.txt\n+x\n*** End Patch\n", "line 1: expected '*** Begin Patch' as the first line, got '*** Add File: a.txt'"],
    ["a missing End Patch", "*** Begin Patch\n*** Add File: a.txt\n+x\n", "line 3: expected '*** End Patch' as the last line, got '+x'"],
    ["an unknown operation", patch("*** Modify File: a.txt", "+x"), "line 2: expected '*** Add File: <path>'"],
    ["a hunk line without a prefix", patch("*** Update File: a.txt", "@@", "-x", "y"), "line 5: hunk lines must start with ' ' (context), '-' (removed) or '+' (added); got 'y'"],
    ["an update without hunks", patch("*** Update File: a.txt"), "line 2: '*** Update File: a.txt' has no hunks"],
    ["no operations", patch(), "no file operations"],
  ])("rejects %s with the line number", (_name, text, message) => {
    const result = parsePatch(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});
