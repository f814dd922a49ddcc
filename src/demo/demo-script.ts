/** The scripted conversation of `git codex demo`: what a coding model would do, replayed offline. */

export const DEMO_MODEL = "demo-scripted-model";

export const DEMO_FILES: Record<string, string> = {
  "hello.sh": '#!/bin/sh\necho "Hello, world!"\n',
  "test.sh": '#!/bin/sh\nset -e\n[ "$(sh hello.sh)" = "Hello, world!" ]\necho "ok"\n',
  "AGENTS.md": "# Conventions\n- Plain POSIX sh, no bashisms.\n- Every behaviour has a line in test.sh.\n",
  ".codex-tasks.yml": [
    "version: 1",
    "defaults:",
    `  model: ${DEMO_MODEL}`,
    "  verify: sh test.sh",
    "tasks:",
    "  greet-by-name:",
    "    prompt: |",
    "      hello.sh should greet the person named in its first argument,",
    "      and still greet the world when there is none. Extend test.sh.",
    "",
  ].join("\n"),
};

const PATCH = [
  "*** Begin Patch",
  "*** Update File: hello.sh",
  "@@",
  " #!/bin/sh",
  '-echo "Hello, world!"',
  '+name="${1:-world}"',
  '+echo "Hello, $name!"',
  "*** Update File: test.sh",
  "@@",
  ' [ "$(sh hello.sh)" = "Hello, world!" ]',
  '+[ "$(sh hello.sh Ada)" = "Hello, Ada!" ]',
  ' echo "ok"',
  "*** End Patch",
].join("\n");

export interface DemoTurn {
  text?: string;
  toolCalls?: { name: string; arguments: Record<string, unknown> }[];
  usage?: { input: number; output: number; cached: number };
}

export function demoTurns(): DemoTurn[] {
  const plan = (done: number) => ["Read hello.sh and test.sh", "Take the name from the first argument", "Extend test.sh and run it"]
    .map((step, i) => ({ step, status: i < done ? "completed" : i === done ? "in_progress" : "pending" }));
  return [
    { toolCalls: [{ name: "update_plan", arguments: { plan: plan(0) } }], usage: { input: 1200, output: 60, cached: 0 } },
    { toolCalls: [{ name: "shell", arguments: { command: ["cat", "hello.sh", "test.sh"], workdir: "." } }], usage: { input: 1400, output: 40, cached: 1024 } },
    { toolCalls: [{ name: "apply_patch", arguments: { input: PATCH } }], usage: { input: 1700, output: 180, cached: 1280 } },
    { toolCalls: [{ name: "update_plan", arguments: { plan: plan(2) } }, { name: "shell", arguments: { command: ["sh", "test.sh"] } }], usage: { input: 1900, output: 70, cached: 1536 } },
    {
      text: "hello.sh now greets the name given as its first argument and falls back to \"world\" without one.\n\n- hello.sh: read the name from `$1` with a default.\n- test.sh: check the greeting with a name as well as without.",
      usage: { input: 2000, output: 90, cached: 1792 },
    },
  ];
}
