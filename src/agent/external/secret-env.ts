/**
 * How an external agent gets its own API key into a sandbox whose environment is cleared
 * to an allow-list: the values travel on file descriptor 3, read by a tiny `sh` wrapper
 * inside the sandbox that exports them and then execs the agent. They never appear in an
 * argument list (readable by every user in `ps`), in the bwrap command line, in a file, or
 * in the environment of any other command of the task (the built-in loop's `shell`, verify).
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Reads NAME=value lines from fd 3, closes it, and becomes the agent.
const WRAPPER = 'while IFS= read -r kv; do export "$kv"; done <&3; exec 3<&-; exec "$@"';

/** The values of `names` in the machine's environment, where set: what the agent alone gets. */
export function pickAgentEnv(env: Record<string, string | undefined>, names: readonly string[] | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names ?? []) {
    const value = env[name];
    if (value !== undefined && value !== "") picked[name] = value;
  }
  return picked;
}

/** `argv` behind the wrapper when there is anything to pass; `argv` itself otherwise. */
export function withSecretEnv(argv: readonly string[], env: Readonly<Record<string, string>>): string[] {
  if (Object.keys(env).length === 0) return [...argv];
  return ["/bin/sh", "-c", WRAPPER, "sh", ...argv];
}

/** What the wrapper reads from fd 3; throws on a name or value it could not carry intact. */
export function secretEnvPayload(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new Error(`agent environment: ${JSON.stringify(name)} is not a variable name`);
      if (/[\n\0]/.test(value)) throw new Error(`agent environment: the value of ${name} holds a newline or NUL byte`);
      return `${name}=${value}\n`;
    })
    .join("");
}
