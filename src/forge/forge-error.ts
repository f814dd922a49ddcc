/** The one error the forge throws: what GitHub said, in a line, and what to do about it. */
export class ForgeError extends Error {
  /** HTTP status, or undefined when GitHub could not be reached. */
  readonly status: number | undefined;
  /** GitHub's own messages from a 422's `errors` list, e.g. "A pull request already exists for o:b." */
  readonly details: string[];
  readonly hint: string;

  constructor(message: string, options: { status?: number; details?: string[]; hint: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ForgeError";
    this.status = options.status;
    this.details = options.details ?? [];
    this.hint = options.hint;
  }

  /** True when one of GitHub's messages (or the main one) matches. */
  says(pattern: RegExp): boolean {
    return pattern.test(this.message) || this.details.some((detail) => pattern.test(detail));
  }
}

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown };
}

/** Turns whatever Octokit threw into a ForgeError that names the action that failed. */
export function toForgeError(error: unknown, action: string, repo: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const shape = (error ?? {}) as ErrorShape;
  const status = typeof shape.status === "number" && shape.status >= 100 ? shape.status : undefined;
  const data = (shape.response?.data ?? {}) as { message?: unknown; errors?: unknown };
  const said = typeof data.message === "string" ? data.message : typeof shape.message === "string" ? shape.message : String(error);
  const details = Array.isArray(data.errors) ? data.errors.map(detailText).filter((text) => text.length > 0) : [];
  const what = details.length > 0 ? `${said}: ${details.join("; ")}` : said;
  const message = status === undefined ? `could not reach GitHub while ${action}: ${what}` : `GitHub answered ${status} while ${action}: ${what}`;
  return new ForgeError(message.slice(0, 500), { status, details, hint: hintFor(status, repo), cause: error });
}

function detailText(entry: unknown): string {
  if (typeof entry === "string") return entry;
  if (entry === null || typeof entry !== "object") return "";
  const { message, code, field } = entry as { message?: unknown; code?: unknown; field?: unknown };
  if (typeof message === "string") return message;
  return [code, field].filter((part) => typeof part === "string").join(" ");
}

function hintFor(status: number | undefined, repo: string): string {
  if (status === undefined) return "check the network and GITHUB_API_URL; the branch is pushed and the next run tries again";
  if (status === 401) return "GITHUB_TOKEN or GH_TOKEN was rejected: make a new token and set it";
  if (status === 403 || status === 429) return `the token may lack access to ${repo} (pull requests: write, issues: write), or GitHub's rate limit holds; the next run tries again`;
  if (status === 404) return `check that ${repo} exists and that the token can see it`;
  if (status === 422) return "GitHub refused the request as it stands; see its message";
  if (status >= 500) return "GitHub is having trouble; the next run tries again";
  return "see GitHub's message";
}
