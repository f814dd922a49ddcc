#!/bin/sh
# git-codex-in-clone COMMAND...: clones $GIT_CODEX_REPO into $GIT_CODEX_WORKDIR/repo and runs
# COMMAND there. Every pod starts from a fresh clone, as a CI runner does; the task state is
# on the remote, so nothing on the pod's disk has to survive it.
set -eu
: "${GIT_CODEX_REPO:?set GIT_CODEX_REPO to the clone URL of the repository to serve}"
dir="${GIT_CODEX_WORKDIR:-/work}/repo"
mkdir -p "${HOME:?}"
if [ -n "${GITHUB_TOKEN:-}" ]; then
  # The token stays in the environment; the helper names the variable, not its value.
  git config --global credential.https://github.com.helper \
    '!f() { test "$1" = get && echo username=x-access-token && echo "password=$GITHUB_TOKEN"; }; f'
fi
# No checkout: git-codex reads the committed tips and works in worktrees of its own.
git clone --quiet --no-checkout -- "$GIT_CODEX_REPO" "$dir"
cd "$dir"
exec "$@"
