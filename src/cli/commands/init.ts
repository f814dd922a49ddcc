import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { INIT_TEMPLATE } from "../../tasks/index.ts";
import { createGit } from "../../git/runner.ts";
import type { Deps } from "../../run/context.ts";
import { ConfigError } from "../../run/errors.ts";
import { TASK_FILE } from "../../run/intake.ts";

/** `git codex init`: writes a commented task file; the one command that writes the user's tree, because they asked. */
export async function initCommand(deps: Deps, options: { cwd: string; force: boolean; out: NodeJS.WritableStream }): Promise<number> {
  const top = await createGit({ cwd: options.cwd, env: deps.env }).probe(["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) throw new ConfigError(`not inside a git repository: ${options.cwd}`, "run git codex init at the root of the repository's clone");
  const path = join(top.stdout.trim(), TASK_FILE);
  try {
    await writeFile(path, INIT_TEMPLATE, { flag: options.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new ConfigError(`${TASK_FILE} already exists`, "edit it, or run git codex init --force to overwrite it");
    throw error;
  }
  options.out.write(`Wrote ${path}\nNext: edit the task, then\n  git add ${TASK_FILE} && git commit -m "Add codex tasks" && git push\n  git codex run --once\n`);
  return 0;
}
