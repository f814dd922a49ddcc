import { assertNotOption, type Git } from "./runner.ts";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

/** Resolves a ref or revision to a commit sha, or undefined when it does not exist. */
export async function resolveRef(git: Git, ref: string): Promise<string | undefined> {
  const result = await git.probe(["rev-parse", "--verify", "--quiet", `${assertNotOption(ref, "ref")}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Every ref under `prefix` with the commit it points at. */
export async function listRefs(git: Git, prefix: string): Promise<Map<string, string>> {
  const text = await git.run(["for-each-ref", "--format=%(objectname) %(refname)", assertNotOption(prefix, "prefix")]);
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/**
 * Compare-and-swap update of a local ref; `expected` undefined means "must not exist" (an
 * empty old value: forty zeros would not be read as "none" in a SHA-256 repository).
 */
export async function updateRef(git: Git, ref: string, value: string, expected: string | undefined): Promise<void> {
  await git.run(["update-ref", "-m", "git-codex", assertNotOption(ref, "ref"), value, expected ?? ""]);
}

export interface RefMove {
  ref: string;
  value: string;
  /** The value the ref must hold now; undefined: it must not exist. */
  expected: string | undefined;
}

/**
 * Moves several refs in one transaction, one git process (`update-ref --stdin`): either
 * every compare-and-swap holds and all move, or none moves and it throws GitError.
 */
export async function updateRefs(git: Git, moves: readonly RefMove[]): Promise<void> {
  if (moves.length <= 1) {
    for (const move of moves) await updateRef(git, move.ref, move.value, move.expected);
    return;
  }
  const line = (move: RefMove): string => {
    if (/\s/.test(move.ref) || /\s/.test(move.value) || /\s/.test(move.expected ?? "")) throw new Error(`a ref update must not hold whitespace: ${JSON.stringify(move.ref.slice(0, 60))}`);
    const ref = assertNotOption(move.ref, "ref");
    return move.expected === undefined ? `create ${ref} ${move.value}\n` : `update ${ref} ${move.value} ${move.expected}\n`;
  };
  await git.run(["update-ref", "-m", "git-codex", "--stdin"], { input: moves.map(line).join("") });
}

export async function deleteRef(git: Git, ref: string): Promise<void> {
  await git.run(["update-ref", "-d", assertNotOption(ref, "ref")]);
}

/** Whether `name` is a valid branch/ref name per git's own rules. */
export async function isValidRefName(git: Git, name: string): Promise<boolean> {
  const result = await git.probe(["check-ref-format", assertNotOption(name, "ref")]);
  return result.exitCode === 0;
}
