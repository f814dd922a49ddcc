import { scrubSecretFormats } from "./secret-formats.ts";

/** Names of environment variables whose values are secrets. */
// AUTH and COOKIE only as whole words: GIT_AUTHOR_NAME is a person's name, not a secret.
const SECRET_NAME = /(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE_?KEY|(^|_)AUTH(_|$)|(^|_)COOKIE(_|$))/i;
// Paths to sockets (SSH_AUTH_SOCK) name no secret themselves.
const NOT_SECRET_NAME = /_SOCK$/i;
const KNOWN_SECRETS = ["OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN"];
const MIN_SECRET_LENGTH = 6;

export const REDACTED = "[REDACTED]";

export function isSecretName(name: string): boolean {
  return KNOWN_SECRETS.includes(name) || (SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name));
}

/** The secret values found in an environment, longest first. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && isSecretName(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

// Credentials embedded in URLs (https://user:token@host) are secrets whatever the variable.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;
// Well-known token formats are scrubbed too, even when they are not in our environment.
// Broader than the pre-push scan (which must not cry wolf): a transcript may lose a look-alike.
const BROAD_TOKENS = /\b(sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g;

/** Returns a function that replaces every secret value, URL credential and known token format. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const sorted = [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let result = text;
    for (const secret of sorted) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return scrubSecretFormats(result.replace(URL_CREDENTIALS, `$1${REDACTED}@`), REDACTED).replace(BROAD_TOKENS, REDACTED);
  };
}
