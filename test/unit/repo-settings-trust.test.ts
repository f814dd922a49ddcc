import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRepoSettings, trustPolicy } from "../../src/cli/repo-settings.ts";
import { createTempRepo } from "./helpers.ts";

describe("trust settings", () => {
  it("default to any author, unsigned allowed", async () => {
    await using repo = await createTempRepo();
    expect((await loadRepoSettings(repo.git, repo.env)).trust).toEqual({ authors: [], signed: false });
  });

  it("read codex.trustAuthor (repeatable) and codex.trustSigned from the clone's config", async () => {
    await using repo = await createTempRepo();
    await repo.git.run(["config", "--add", "codex.trustAuthor", "ada@example.com"]);
    await repo.git.run(["config", "--add", "codex.trustAuthor", "*@example.org"]);
    await repo.git.run(["config", "codex.trustSigned", "yes"]);
    expect((await loadRepoSettings(repo.git, repo.env)).trust).toEqual({ authors: ["ada@example.com", "*@example.org"], signed: true });
  });

  it("read a bare `trustSigned` key as true, as git does", async () => {
    await using repo = await createTempRepo();
    await appendFile(join(repo.dir, ".git", "config"), "[codex]\n\ttrustSigned\n");
    expect((await loadRepoSettings(repo.git, repo.env)).trust.signed).toBe(true);
  });

  it("parse git booleans and refuse anything else loudly", () => {
    const policy = (value: string) => trustPolicy(new Map([["trustsigned", [value]]]));
    for (const value of ["true", "On", "1", "-2"]) expect(policy(value).signed, value).toBe(true);
    for (const value of ["false", "no", "OFF", "0", ""]) expect(policy(value).signed, value).toBe(false);
    expect(() => policy("sometimes")).toThrow(/codex.trustSigned is "sometimes", not a boolean/);
  });
});
