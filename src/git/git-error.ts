/** The one error the git layer throws: what was run, how it ended, what git said. */
export class GitError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number | null, stderr: string, options?: { cause?: unknown }) {
    const said = stderr.trim().split("\n").slice(-3).join(" | ") || "no output";
    super(`git ${args.join(" ")} failed (exit ${exitCode ?? "signal"}): ${said}`, options);
    this.name = "GitError";
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
