/** A problem with how git-codex was called or configured: exit code 2. */
export class ConfigError extends Error {
  readonly hint: string;

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
    this.hint = hint;
  }
}

/** One line a person can act on: what went wrong, then what to do. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `${error.message}\n  To resolve: ${error.hint}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
