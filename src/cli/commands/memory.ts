import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError } from "../../git/git-error.ts";
import { commitMemory, fetchMemory, memoryBranch, memoryTrackingRef, MEMORY_FILE, MEMORY_MAX_FILE_BYTES, pushMemory, readMemory, type MemorySnapshot } from "../../git/memory.ts";
import { configValue } from "../../git/remote.ts";
import type { Deps, RepoContext } from "../../run/context.ts";
import { ConfigError } from "../../run/errors.ts";
import { MEMORY_HEADER } from "../../run/memory.ts";
import { describeFindings, scanForSecrets } from "../../run/secret-scan.ts";
import { secretValues } from "../../util/redact.ts";
import { openRepo, remoteError } from "../open-repo.ts";

export interface MemoryIo {
  cwd: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** `git codex memory show`: MEMORY.md as the remote has it now. */
export async function memoryShowCommand(deps: Deps, io: MemoryIo): Promise<number> {
  const { repo, memory } = await fetchedMemory(deps, io.cwd);
  const where = `${repo.settings.remote} ${memoryBranch(repo.settings.branchPrefix)}`;
  if (!memory.tip) io.err.write(`No memory yet: ${where} does not exist. Runs add notes with their remember tool; git codex memory edit starts one.\n`);
  else if (memory.size === 0) io.err.write(`${where} has no ${MEMORY_FILE}.\n`);
  io.out.write(memory.text);
  if (memory.size > MEMORY_MAX_FILE_BYTES) io.err.write(`(cut at ${MEMORY_MAX_FILE_BYTES} of ${memory.size} bytes)\n`);
  return 0;
}

/**
 * `git codex memory edit`: the memory in the person's editor, then one commit as them on
 * top of the tip they edited, pushed with a lease on that tip: a change made meanwhile is
 * never overwritten, and their text is kept in a file whenever nothing was pushed.
 */
export async function memoryEditCommand(deps: Deps, io: MemoryIo & { message?: string }): Promise<number> {
  const { repo, memory } = await fetchedMemory(deps, io.cwd);
  if (memory.size > MEMORY_MAX_FILE_BYTES) throw new ConfigError(`${MEMORY_FILE} is over ${MEMORY_MAX_FILE_BYTES} bytes`, `edit it on the ${memoryBranch(repo.settings.branchPrefix)} branch with git`);
  const before = memory.tip ? memory.text : MEMORY_HEADER;
  const folder = await mkdtemp(join(tmpdir(), "git-codex-memory-"));
  const file = join(folder, MEMORY_FILE);
  await writeFile(file, before);
  await runEditor(await editorCommand(repo, deps.env), file, deps.env, io.cwd).catch(async (error: unknown) => {
    await rm(folder, { recursive: true, force: true });
    throw error;
  });
  const after = await readFile(file, "utf8");
  if (after === before) {
    await rm(folder, { recursive: true, force: true });
    io.out.write("No change; nothing pushed.\n");
    return 0;
  }
  const kept = `your text is kept in ${file}`;
  const findings = scanForSecrets([{ path: MEMORY_FILE, addedLines: after.split("\n") }], secretValues(deps.env));
  if (findings.length > 0) {
    throw new ConfigError(`${MEMORY_FILE} looks like it holds a secret (${describeFindings(findings).join("; ")}); nothing pushed`, `every run sends the memory to the model: remove it, then run git codex memory edit again (${kept})`);
  }
  const commit = await commitMemory(repo.git, { parent: memory.tip, text: after, message: `${io.message?.trim() || "memory: edited with git codex memory edit"}\n` }).catch((error: unknown) => {
    throw error instanceof GitError ? new ConfigError(`could not commit the memory: ${error.stderr.trim().split("\n").at(-1) ?? ""}`, `set your identity (git config user.name / user.email), then run it again (${kept})`, { cause: error }) : error;
  });
  const pushed = await pushMemory(repo.git, { remote: repo.settings.remote, branchPrefix: repo.settings.branchPrefix, commit, expected: memory.tip }).catch((error: unknown) => {
    throw remoteError(error, repo.settings.remote);
  });
  if (!pushed.ok) {
    const why = pushed.stale ? `The memory changed on ${repo.settings.remote} while you edited it` : `${repo.settings.remote} refused the push (${pushed.detail})`;
    io.err.write(`${why}; nothing pushed. Run git codex memory edit again; ${kept}.\n`);
    return 1;
  }
  await rm(folder, { recursive: true, force: true });
  io.out.write(`Pushed ${commit.slice(0, 7)} to ${repo.settings.remote} ${memoryBranch(repo.settings.branchPrefix)}; every run from now on reads it.\n`);
  return 0;
}

async function fetchedMemory(deps: Deps, cwd: string): Promise<{ repo: RepoContext; memory: MemorySnapshot }> {
  const repo = await openRepo(cwd, deps);
  const { remote, branchPrefix } = repo.settings;
  await fetchMemory(repo.git, remote, branchPrefix).catch((error: unknown) => {
    throw remoteError(error, remote);
  });
  return { repo, memory: await readMemory(repo.git, memoryTrackingRef(remote, branchPrefix)) };
}

/** The editor git itself would pick: GIT_EDITOR, core.editor, VISUAL, EDITOR, then vi. */
async function editorCommand(repo: RepoContext, env: Record<string, string | undefined>): Promise<string> {
  const pick = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);
  return pick(env.GIT_EDITOR) ?? pick(await configValue(repo.git, "core.editor")) ?? pick(env.VISUAL) ?? pick(env.EDITOR) ?? "vi";
}

/**
 * Runs the editor on the person's terminal, the way git does (`sh -c '<editor> "$@"'`, so
 * "code --wait" works). Not through the process runner: an editor needs the terminal itself.
 */
function runEditor(editor: string, file: string, env: Record<string, string | undefined>, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `${editor} "$@"`, editor, file], { cwd, env: definedOnly(env), stdio: "inherit" });
    child.once("error", (error) => reject(new ConfigError(`could not start the editor ${JSON.stringify(editor)}: ${error.message}`, "set VISUAL or EDITOR to an editor that is installed")));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new ConfigError(`the editor ${JSON.stringify(editor)} ended with ${signal ?? `exit code ${code}`}; nothing pushed`, "save and quit the editor normally, or set VISUAL or EDITOR to another editor"));
    });
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
