/** What a service definition carries into the daemon's environment: locations, never credentials. */
const PASSED = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"];

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE/i;

/** The allowlisted variables of `env` that are set, in a stable order. */
export function serviceEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of PASSED) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return picked;
}

/**
 * Unit files and plists are world-readable and end up in backups and dotfile repositories,
 * so a variable whose name looks like a credential is a programming error, not a choice.
 */
export function assertNoSecrets(env: Record<string, string>): void {
  const names = Object.keys(env).filter((name) => SECRET_NAME.test(name));
  if (names.length > 0) throw new Error(`refusing to write ${names.join(", ")} into a service definition; secrets belong in the env file`);
}
