/** The `.codex-tasks.yml` that `git codex init` writes: valid as is, every option shown. */
export const INIT_TEMPLATE = `# Tasks for git-codex, the background coding agent that works through git.
# Commit and push this file; git codex picks up every task below and answers on a
# branch codex/<task key>. Every key is documented in .codex-tasks.example.yml,
# which ships with git-codex.
version: 1

# Settings for every task; a task may override any of them.
# defaults:
#   model: gpt-5.1-codex
#   api: responses          # responses | chat (for servers that only speak Chat Completions)
#   verify: npm test        # must pass before a result counts as verified
#   pr: draft               # true | false | draft: open a pull request when a forge is set up
#   budget: { turns: 60, minutes: 30 }
#   network: []             # hosts the agent's commands may reach; empty = none
#   allow: []               # protected paths it may change, e.g. ".github/workflows/**"

tasks:
  # The task key names the branch (codex/add-readme-badges) and identifies the task.
  # Editing a task makes a new version that runs again; an unchanged task never runs twice.
  add-readme-badges:
    prompt: |
      Add a build status badge and a license badge at the top of README.md.
      Keep the rest of the file unchanged.
`;
