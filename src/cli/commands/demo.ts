import { buildDeps } from "../deps.ts";
import { openRepo } from "../open-repo.ts";
import { createDemoWorld } from "../../demo/demo.ts";
import { DEMO_MODEL } from "../../demo/demo-script.ts";
import { runOnce } from "../../run/run-once.ts";
import { createLogger } from "../../util/logger.ts";
import { createRedactor } from "../../util/redact.ts";
import { statusTable } from "../render.ts";
import { chooseSandbox } from "../sandbox-choice.ts";
import { describeError } from "../../run/errors.ts";
import { readStatuses } from "./status.ts";

/** `git codex demo`: the whole pipeline, for real, offline, against a scripted model. */
export async function demoCommand(options: { env: Record<string, string | undefined>; out: NodeJS.WritableStream; err: NodeJS.WriteStream; keep: boolean }): Promise<number> {
  const { out } = options;
  const started = performance.now();
  const world = await createDemoWorld(options.env);
  try {
    out.write(`git-codex demo — offline. The model is a SCRIPTED DEMO MODEL (${DEMO_MODEL}) served on 127.0.0.1,\nnot a real LLM; everything else (git, worktree, tools, commit, push, state refs) is real.\n\n`);
    out.write(`== A clone (${world.clone}) of a bare remote, with this task pushed to main:\n\n${await world.git.run(["show", "HEAD:.codex-tasks.yml"])}\n`);
    out.write("== git codex run --once\n\n");
    const sandbox = await chooseSandbox(world.env).catch((error: unknown) => {
      out.write(`No OS sandbox works on this machine (${describeError(error).split("\n")[0]}).\nThe demo's scripted commands (cat, sh test.sh) run without one; real tasks would refuse to.\n\n`);
      world.env.GIT_CODEX_SANDBOX = "none";
      return undefined;
    });
    if (sandbox) out.write(`Agent commands run inside ${sandbox.kind}.\n\n`);
    const deps = buildDeps({ env: world.env, logger: createLogger({ pretty: true, level: "error", redact: createRedactor([]), destination: options.err }) });
    const repo = await openRepo(world.clone, deps);
    const summary = await runOnce(repo, deps);
    const result = summary.ran[0];
    if (!result?.branch) {
      out.write(`The demo task ended as ${result?.state ?? "nothing"}${result?.reason ? `: ${result.reason}` : ""}.\n`);
      return 1;
    }
    const ref = `${repo.settings.remote}`;
    out.write(`== Branch ${result.branch} on the remote:\n\n${await world.git.run(["ls-remote", ref, `refs/heads/${result.branch}`, "refs/codex/*"])}\n`);
    out.write(`== The bot's commit (message and trailers):\n\n${await world.git.run(["log", "-1", "--format=commit %H%nAuthor: %an <%ae>%n%n%B", result.commit ?? ""])}`);
    out.write(`== Its diff against main:\n\n${await world.git.run(["diff", "--stat", "--patch", result.base, result.commit ?? ""])}\n`);
    out.write(`== git codex status:\n\n${statusTable(await readStatuses(repo, true))}\n`);
    out.write(`== Your clone is untouched: HEAD is still ${(await world.git.run(["rev-parse", "--short", "HEAD"])).trim()} on main, \`git worktree list\` shows one worktree.\n`);
    out.write(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s.${options.keep ? ` Kept in ${world.root}` : " (temporary files removed; --keep keeps them)"}\n`);
    return summary.exitCode;
  } finally {
    await world.close(options.keep);
  }
}
