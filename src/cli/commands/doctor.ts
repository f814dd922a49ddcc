import { createGit } from "../../git/runner.ts";
import type { Deps } from "../../run/context.ts";
import { loadRepoSettings } from "../repo-settings.ts";
import { chooseSandbox } from "../sandbox-choice.ts";
import { describeError } from "../../run/errors.ts";

type Check = { name: string; ok: boolean | "warn"; detail: string };

const MIN_GIT = [2, 35];

/** `git codex doctor`: what would stop a run, checked without changing anything. */
export async function doctorCommand(deps: Deps, options: { cwd: string; out: NodeJS.WritableStream }): Promise<number> {
  const checks: Check[] = [];
  const git = createGit({ cwd: options.cwd, env: deps.env, redact: deps.redact });
  const version = (await git.probe(["version"])).stdout.trim();
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  checks.push({ name: "git", ok: major > MIN_GIT[0]! || (major === MIN_GIT[0] && minor >= MIN_GIT[1]!), detail: `${version || "not found"} (needs ${MIN_GIT.join(".")} or newer)` });
  checks.push({ name: "node", ok: Number(process.versions.node.split(".")[0]) >= 24, detail: `v${process.versions.node} (needs 24 or newer)` });
  checks.push(modelCheck(deps.env));
  checks.push(await remoteCheck(git, deps));
  checks.push(await sandboxCheck(deps));
  checks.push({ name: "pull requests", ok: "warn", detail: deps.env.GITHUB_TOKEN || deps.env.GH_TOKEN ? "a GitHub token is set, but opening pull requests is not available in this version" : "no GITHUB_TOKEN or GH_TOKEN: results are pushed as branches only" });
  for (const check of checks) options.out.write(`${check.ok === true ? "ok  " : check.ok === "warn" ? "warn" : "FAIL"}  ${check.name.padEnd(13)} ${check.detail}\n`);
  return checks.some((check) => check.ok === false) ? 1 : 0;
}

async function sandboxCheck(deps: Deps): Promise<Check> {
  try {
    const choice = await chooseSandbox(deps.env);
    if (choice.kind === "none") return { name: "sandbox", ok: "warn", detail: choice.notes.join(" ") };
    return { name: "sandbox", ok: choice.notes.length > 0 ? "warn" : true, detail: [`${choice.kind} works`, ...choice.notes].join("; ") };
  } catch (error) {
    return { name: "sandbox", ok: false, detail: describeError(error) };
  }
}

function modelCheck(env: Record<string, string | undefined>): Check {
  const endpoint = env.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
  if (env.OPENAI_API_KEY) return { name: "model", ok: true, detail: `OPENAI_API_KEY is set; endpoint ${endpoint}` };
  if (env.OPENAI_BASE_URL) return { name: "model", ok: true, detail: `no OPENAI_API_KEY; using ${endpoint} without a key` };
  return { name: "model", ok: false, detail: "OPENAI_API_KEY is not set (git codex demo runs offline without it)" };
}

async function remoteCheck(git: ReturnType<typeof createGit>, deps: Deps): Promise<Check> {
  const inside = await git.probe(["rev-parse", "--show-toplevel"]);
  if (inside.exitCode !== 0) return { name: "repository", ok: false, detail: "not inside a git repository" };
  const settings = await loadRepoSettings(git.at(inside.stdout.trim()), deps.env);
  const result = await git.probe(["ls-remote", "--symref", settings.remote, "HEAD"], { cwd: inside.stdout.trim(), timeoutMs: 20_000 });
  if (result.exitCode === 0) return { name: "remote", ok: true, detail: `${settings.remote} is reachable` };
  return { name: "remote", ok: false, detail: `${settings.remote}: ${deps.redact(result.stderr.trim().split("\n").at(-1) ?? "unreachable")}` };
}
