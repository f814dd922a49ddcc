import { describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withEnvFile } from "../../src/cli/env-file.ts";

async function withFile(content: string, mode: number, run: (config: string) => void): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "git-codex-env-"));
  try {
    await mkdir(join(root, "git-codex"));
    await writeFile(join(root, "git-codex", "env"), content);
    await chmod(join(root, "git-codex", "env"), mode);
    run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe("the env file", () => {
  it("adds KEY=value lines that are not set already, unquoting values and skipping comments", async () => {
    await withFile("# a comment\nOPENAI_API_KEY='sk-from-file'\nexport GIT_CODEX_MODEL=gpt-5.1\nGIT_CODEX_API=chat\n", 0o600, (config) => {
      const { env, warning } = withEnvFile({ XDG_CONFIG_HOME: config, GIT_CODEX_API: "responses" });
      expect(env).toMatchObject({ OPENAI_API_KEY: "sk-from-file", GIT_CODEX_MODEL: "gpt-5.1", GIT_CODEX_API: "responses" });
      expect(warning).toBeUndefined();
    });
  });

  it("warns when the file is readable by other users", async () => {
    await withFile("OPENAI_API_KEY=sk-x\n", 0o644, (config) => {
      expect(withEnvFile({ XDG_CONFIG_HOME: config }).warning).toMatch(/readable by other users; run chmod 600/);
    });
  });

  it("changes nothing when there is no file", () => {
    const env = { XDG_CONFIG_HOME: join(tmpdir(), "does-not-exist-git-codex") };
    expect(withEnvFile(env).env).toEqual(env);
  });
});
