import { PassThrough } from "node:stream";
import { main } from "../../src/cli.ts";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, as a person would type `git codex …`. */
export async function runCli(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough() as PassThrough & { isTTY?: boolean };
  let stdout = "";
  let stderr = "";
  out.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  err.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await main(args, { cwd: options.cwd, env: { ...options.env, GIT_CODEX_LOG_FORMAT: "json" }, out, err: err as unknown as NodeJS.WriteStream });
  return { exitCode, stdout, stderr };
}
