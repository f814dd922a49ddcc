import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { extraReadOnly } from "../../src/cli/sandbox-choice.ts";

describe("GIT_CODEX_SANDBOX_READ", () => {
  it("adds existing absolute folders, and leaves out relative and missing ones", () => {
    const env = { GIT_CODEX_SANDBOX_READ: `${tmpdir()}:relative/dir:/no/such/folder-git-codex:/usr` };
    expect(extraReadOnly(env)).toEqual([tmpdir(), "/usr"]);
  });

  it("adds nothing when unset", () => {
    expect(extraReadOnly({})).toEqual([]);
  });
});
