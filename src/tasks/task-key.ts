/** Task keys name branches (`codex/<key>`) and state refs, so they obey git's ref rules and more. */
const TASK_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Why `key` cannot be a task key, or undefined when it can. */
export function taskKeyProblem(key: string): string | undefined {
  if (!TASK_KEY.test(key)) {
    return "must start with a letter or digit, use only letters, digits, \".\", \"_\" and \"-\", and be 63 characters at most";
  }
  if (key.includes("..")) return "must not contain \"..\"";
  // Case-insensitive: on macOS and Windows "x.LOCK" is the same file as git's lock file.
  if (key.toLowerCase().endsWith(".lock")) return "must not end with \".lock\"";
  if (key.endsWith(".")) return "must not end with \".\"";
  return undefined;
}
