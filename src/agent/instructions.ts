import { lstat, open } from "node:fs/promises";
import { join } from "node:path";

export interface InstructionsInput {
  /** Absolute path of the worktree. */
  workdir: string;
  /** The executor's sandbox name, e.g. "bubblewrap" or "none". */
  sandbox: string;
  verify?: string;
  /** Contents of the repository's AGENTS.md. */
  agentsMd?: string;
}

export const AGENTS_MD_MAX_BYTES = 32 * 1024;

/** The system prompt: where the agent is, what it may do, and how its work ends. */
export function buildInstructions(input: InstructionsInput): string {
  const sections = [
    [
      "You are git-codex, a coding agent working unattended on a task someone committed to a git repository.",
      `You work in a git worktree at ${input.workdir}, checked out at the commit the task came from.`,
      "Nobody is watching while you work: do not ask questions, make reasonable decisions and note them in your summary.",
    ].join("\n"),
    [
      "Tools:",
      "- shell: run a command (argv array) in the worktree; `workdir` is relative to the worktree root.",
      "- apply_patch: create, edit, move and delete files. Use it for every edit instead of shell redirection or sed.",
      "- update_plan: record a plan for multi-step work and mark steps as you go.",
      sandboxNote(input.sandbox),
    ].join("\n"),
    [
      "Rules:",
      "- The bot commits and pushes your changes itself: never run git commit, git push or anything that rewrites history.",
      "- Keep the change focused on the task; do not reformat or refactor unrelated code.",
      "- Read the relevant code before changing it, and follow the repository's existing style.",
      "- Run the project's tests or checks when they exist and are relevant.",
    ].join("\n"),
    verifyNote(input.verify),
    [
      "When you are done, reply without calling a tool: a concise summary of what you changed and why.",
      "That reply becomes the body of the commit message, so write it for a reviewer; no greetings, no questions.",
    ].join("\n"),
  ];
  if (input.agentsMd?.trim()) {
    sections.push(`The repository's AGENTS.md, instructions from its maintainers:\n\n${input.agentsMd.trim()}`);
  }
  return sections.join("\n\n");
}

function sandboxNote(sandbox: string): string {
  if (sandbox === "none") return "Commands run without a sandbox; stay inside the worktree.";
  return `Commands run in a sandbox (${sandbox}): only the worktree is writable and the network may be off.`;
}

function verifyNote(verify: string | undefined): string {
  if (!verify) return "No verification command is configured; check your work yourself before you finish.";
  return [
    `After you finish, the bot runs the verification command \`${verify}\` in the worktree.`,
    "If it fails you get its output and another chance, so run it yourself before you finish.",
  ].join("\n");
}

/**
 * Reads AGENTS.md at the worktree root, at most 32 KiB of it. Only a regular file counts:
 * a symlink committed to the repository could otherwise feed any file on the machine to
 * the model.
 */
export async function readAgentsMd(workdir: string): Promise<string | undefined> {
  const path = join(workdir, "AGENTS.md");
  try {
    if (!(await lstat(path)).isFile()) return undefined;
    await using file = await open(path, "r");
    const buffer = Buffer.alloc(AGENTS_MD_MAX_BYTES + 1);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, Math.min(bytesRead, AGENTS_MD_MAX_BYTES)).toString("utf8");
    return bytesRead > AGENTS_MD_MAX_BYTES ? `${text}\n[AGENTS.md truncated at 32 KiB]` : text;
  } catch {
    return undefined;
  }
}
