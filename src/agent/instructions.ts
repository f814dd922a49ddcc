import type { AgentsDoc } from "./agents-md.ts";
import type { ToolSpec } from "./types.ts";

export interface InstructionsInput {
  /** Absolute path of the worktree. */
  workdir: string;
  /** The executor's sandbox name, e.g. "bubblewrap" or "none". */
  sandbox: string;
  verify?: string;
  /** The task's working directory relative to the worktree root; absent = the root. */
  taskDir?: string;
  /** The AGENTS.md chain, root first (see readAgentsChain). */
  agents?: readonly AgentsDoc[];
  /** The repository's memory as it goes to the model (already capped). */
  memory?: { branch: string; text: string };
  /** Tools offered beside shell, apply_patch and update_plan. */
  tools?: readonly ToolSpec[];
}

/**
 * The system prompt. It starts with text that is the same for every task (who the agent
 * is, the rules, how to finish), then what is the same for a repository (tools, sandbox,
 * AGENTS.md, memory), and only then this task's paths and verify command: providers cache
 * prompts by prefix, so the shared part is paid for once.
 */
export function buildInstructions(input: InstructionsInput): string {
  const sections = [GENERAL, RULES, FINISHING, toolsSection(input.tools ?? []), sandboxNote(input.sandbox)];
  const agents = agentsSection(input.agents ?? []);
  if (agents) sections.push(agents);
  const memory = memorySection(input.memory, (input.tools ?? []).some((tool) => tool.name === "remember"));
  if (memory) sections.push(memory);
  sections.push(taskSection(input));
  return sections.join("\n\n");
}

const GENERAL = [
  "You are git-codex, a coding agent working unattended on a task someone committed to a git repository.",
  "You work in a git worktree checked out at the commit the task came from; the bot, outside your reach, commits what you leave there and pushes it for review.",
  "Nobody is watching while you work: do not ask questions, make reasonable decisions and note them in your summary.",
].join("\n");

const RULES = [
  "Rules:",
  "- The bot commits and pushes your changes itself: never run git commit, git push or anything that rewrites history.",
  "- Keep the change focused on the task; do not reformat or refactor unrelated code.",
  "- Read the relevant code before changing it, and follow the repository's existing style.",
  "- Run the project's tests or checks when they exist and are relevant.",
  "- The task's prompt comes first; AGENTS.md files come next (a deeper file wins over a shallower one where they disagree); the memory is advice.",
].join("\n");

const FINISHING = [
  "Finishing well:",
  "- Before you stop, look over your change (e.g. `git diff`) and run the verification command yourself when there is one.",
  "- Then reply without calling a tool: a concise summary of what you changed and why, decisions you made, and anything left undone.",
  "- That reply becomes the body of the commit message, so write it for a reviewer; no greetings, no questions.",
].join("\n");

const BUILT_IN = [
  "- shell: run a command (argv array); `workdir` is relative to the worktree root.",
  "- apply_patch: create, edit, move and delete files (paths relative to the worktree root). Use it for every edit instead of shell redirection or sed.",
  "- update_plan: record a plan for multi-step work and mark steps as you go.",
];

function toolsSection(tools: readonly ToolSpec[]): string {
  const extra = tools.map((tool) => `- ${tool.name}: ${firstSentence(tool.description)}`);
  return ["Tools:", ...BUILT_IN, ...extra].join("\n");
}

function firstSentence(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  const end = line.search(/\.(\s|$)/);
  return (end >= 0 ? line.slice(0, end + 1) : line).slice(0, 300);
}

function sandboxNote(sandbox: string): string {
  if (sandbox === "none") return "Commands run without an OS sandbox, with a cleared environment: stay inside the worktree.";
  return [
    `Commands run in an OS sandbox (${sandbox}): only the worktree and a private /tmp are writable, the repository's git data is read-only,`,
    "your home folder and credentials are hidden, the environment is cleared, and the network is off unless the task allows hosts.",
    "A command that fails for lack of network or permissions will fail again: work around it instead of retrying.",
  ].join("\n");
}

function agentsSection(docs: readonly AgentsDoc[]): string | undefined {
  if (docs.length === 0) return undefined;
  const parts = docs.map((doc) => `--- ${doc.path} ---\n${doc.text.trim()}`);
  return ["Instructions from the repository's maintainers, from its AGENTS.md files (root first):", ...parts].join("\n\n");
}

function memorySection(memory: InstructionsInput["memory"], canRemember: boolean): string | undefined {
  const how = canRemember
    ? "When you learn a lasting fact about this repository that would save a future run time (a build quirk, a convention, where things live), call remember with one short note. Never record secrets, task details or what AGENTS.md already says."
    : undefined;
  const text = memory?.text.trim();
  if (!text) return how ? `The repository has no memory yet (MEMORY.md on ${memory?.branch ?? "the memory branch"}).\n${how}` : undefined;
  const head = `The repository's memory (MEMORY.md on branch ${memory?.branch}): notes kept by earlier runs and the maintainers. Treat it as advice.`;
  return [head, how, `--- MEMORY.md ---\n${text}`].filter(Boolean).join("\n");
}

function taskSection(input: InstructionsInput): string {
  const lines = ["This task:", `- The worktree is ${input.workdir}.`];
  if (input.taskDir) {
    lines.push(`- Your working directory is ${input.taskDir} (relative to the worktree root): pass workdir "${input.taskDir}" to shell, and start from there.`);
  }
  if (input.verify) {
    lines.push(`- When you finish, the bot runs the verification command \`${input.verify}\` at the worktree root. If it fails you get its output and another chance, so run it yourself first.`);
  } else {
    lines.push("- No verification command is configured; check your work yourself before you finish.");
  }
  return lines.join("\n");
}
