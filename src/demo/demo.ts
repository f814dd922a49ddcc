import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGit, type Git } from "../git/runner.ts";
import { startScriptedServer } from "./scripted-server.ts";
import { DEMO_FILES, demoTurns } from "./demo-script.ts";

export interface DemoWorld {
  root: string;
  clone: string;
  remote: string;
  /** Environment for git-codex inside the demo: its own home, cache and the scripted endpoint. */
  env: Record<string, string | undefined>;
  git: Git;
  close(keep: boolean): Promise<void>;
}

/**
 * A temporary bare remote and a clone holding a tiny project with one task committed and
 * pushed, and a scripted OpenAI-compatible server on 127.0.0.1 that plays the model.
 */
export async function createDemoWorld(hostEnv: Record<string, string | undefined>): Promise<DemoWorld> {
  const root = await mkdtemp(join(tmpdir(), "git-codex-demo-"));
  const remote = join(root, "remote.git");
  const clone = join(root, "clone");
  const env = { PATH: hostEnv.PATH, LANG: hostEnv.LANG, HOME: join(root, "home"), XDG_CACHE_HOME: join(root, "cache"), XDG_STATE_HOME: join(root, "state"), XDG_CONFIG_HOME: join(root, "config"), GIT_CONFIG_NOSYSTEM: "1" };
  const git = createGit({ cwd: root, env });
  await git.run(["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  await git.run(["init", "--quiet", "--initial-branch=main", clone]);
  const inClone = git.at(clone);
  await inClone.run(["config", "user.name", "Ada Lovelace"]);
  await inClone.run(["config", "user.email", "ada@example.com"]);
  await inClone.run(["remote", "add", "origin", remote]);
  for (const [name, content] of Object.entries(DEMO_FILES)) await writeFile(join(clone, name), content);
  await inClone.run(["add", "--all"]);
  await inClone.run(["commit", "--quiet", "-m", "Add hello.sh and a codex task"]);
  await inClone.run(["push", "--quiet", "origin", "main"]);
  const server = await startScriptedServer({ script: demoTurns() });
  return {
    root, clone, remote, git: inClone,
    env: { ...env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: undefined },
    async close(keep) {
      await server.close();
      if (!keep) await rm(root, { recursive: true, force: true });
    },
  };
}
