import { describe, expect, it } from "vitest";
import { MAX_TASK_FILE_BYTES, parseTaskFile, planTasks } from "../../src/tasks/index.ts";
import type { ParseResult } from "../../src/tasks/index.ts";

/** A ParseResult is sound when it either has a file or says why not. */
function expectSound(result: ParseResult): void {
  expect(result.file !== undefined || result.errors.length > 0).toBe(true);
  for (const p of [...result.errors, ...result.warnings, ...Object.values(result.invalidTasks).flat()]) {
    expect(typeof p.message).toBe("string");
    expect(p.message).not.toContain("\n");
  }
}

/** Deterministic bytes: a failing case can be replayed. */
function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = x >> 16;
  }
  return bytes;
}

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
  "version: 1",
  "tasks: {}",
].join("\n");

describe("parseTaskFile never throws and never hangs", () => {
  it("rejects an alias expansion bomb quickly", () => {
    const started = performance.now();
    const result = parseTaskFile(BOMB);
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.file).toBeUndefined();
    expect(result.errors[0]?.message).toMatch(/alias/i);
  });

  it("handles a circular alias inside a task as an invalid task", () => {
    const result = parseTaskFile("version: 1\ntasks:\n  a: &x\n    prompt: *x\n  b:\n    prompt: ok\n");
    expectSound(result);
    expect(result.invalidTasks.a?.[0]?.message).toMatch(/^prompt in task "a" must be a string, got a mapping/);
    expect(planTasks({ baseRef: "main", tip: "t", prefix: "codex/", botEmail: "b", commits: [], envSettings: {}, taskFile: { parse: result, blobSha: "f" } }).invalid[0]?.id).toMatch(/^a-[0-9a-f]{8}$/);
  });

  it("answers for deeply nested flow and block collections", () => {
    for (const text of ["[".repeat(2000), `x: ${"[".repeat(1500)}${"]".repeat(1500)}`, Array.from({ length: 700 }, (_, i) => `${" ".repeat(i)}a:`).join("\n")]) {
      const result = parseTaskFile(text);
      expectSound(result);
      expect(result.file).toBeUndefined();
      expect(result.errors.length).toBeLessThanOrEqual(5);
    }
  });

  it("answers for pseudo-random bytes", () => {
    for (let seed = 1; seed <= 200; seed++) expectSound(parseTaskFile(pseudoRandomBytes(seed, 1 + (seed * 37) % 400)));
  });

  it("answers for random printable text and shuffled task files", () => {
    const pieces = ["version: 1", "tasks:", "  a:", "    prompt: x", "  - b", "&a", "*a", "{", "}", "[", "]", ":", "? ", "!!set", "!!binary", "'", '"', "~", "<<: *a", "\t"];
    for (let seed = 1; seed <= 150; seed++) {
      const bytes = pseudoRandomBytes(seed, 12);
      const text = Array.from(bytes, (b) => pieces[b % pieces.length]).join(bytes[0]! % 2 === 0 ? "\n" : " ");
      expectSound(parseTaskFile(text));
    }
  });

  it("accepts a prompt just under the size limit", () => {
    const prompt = "x".repeat(MAX_TASK_FILE_BYTES - 100);
    const result = parseTaskFile(`version: 1\ntasks:\n  big:\n    prompt: ${prompt}\n`);
    expect(result.file?.tasks.big?.prompt).toHaveLength(prompt.length);
  });

  it("validates every task of a file with hundreds of invalid tasks", () => {
    const tasks = Array.from({ length: 300 }, (_, i) => `  t${i}:\n    prompt: do ${i}\n    promt: typo`).join("\n");
    const result = parseTaskFile(`version: 1\ntasks:\n${tasks}\n`);
    expect(Object.keys(result.invalidTasks)).toHaveLength(300);
    expect(result.invalidTasks.t299?.[0]?.line).toBe(3 + 299 * 3 + 2);
  });

  it("keeps a task keyed __proto__ an ordinary (invalid) entry", () => {
    const result = parseTaskFile("version: 1\ntasks:\n  __proto__:\n    prompt: x\n  constructor:\n    prompt: y\n");
    expect(Object.keys(result.invalidTasks)).toEqual(["__proto__"]);
    expect(Object.keys(result.file?.tasks ?? {})).toEqual(["constructor"]);
  });

  it("treats !!set, !!binary and complex keys as wrong types, not crashes", () => {
    const text = "version: 1\ntasks:\n  a:\n    prompt: !!binary aGk=\n  b: !!set { x }\n  ? [c]\n  : { prompt: y }\n";
    const result = parseTaskFile(text);
    expectSound(result);
    expect(result.invalidTasks.a?.[0]?.message).toMatch(/must be a string, got a Uint8Array/);
    expect(result.invalidTasks.b?.[0]?.message).toMatch(/must be a mapping with a prompt, got a Set/);
    expect(result.invalidTasks["[ c ]"]?.[0]?.message).toMatch(/^task key "\[ c \]" must start/);
  });
});
