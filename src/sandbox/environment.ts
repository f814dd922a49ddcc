import { isSecretName } from "../util/redact.ts";

/** Variables an agent command may see; everything else, secrets first of all, is dropped. */
const ALLOWED = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "SHELL", "USER", "LOGNAME"];

/**
 * The complete environment of an agent command: an allow-list of the host's variables,
 * never a secret even if allow-listed, plus HOME and TMPDIR pointing inside the task.
 */
export function agentEnvironment(host: Record<string, string | undefined>, paths: { home: string; tmp: string }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ALLOWED) {
    const value = host[name];
    if (value !== undefined && !isSecretName(name)) env[name] = value;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  env.HOME = paths.home;
  env.TMPDIR = paths.tmp;
  env.TERM = "dumb";
  env.CI = "1";
  env.GIT_TERMINAL_PROMPT = "0";
  env.PAGER = "cat";
  env.GIT_PAGER = "cat";
  return env;
}
