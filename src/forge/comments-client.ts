/**
 * The Forge's conversation methods on GitHub's REST API: reading a pull request's comments,
 * a commenter's access, and acknowledging a comment. Split from client.ts, which spreads
 * them into the one Forge it builds, with the same error handling.
 */
import type { Octokit } from "octokit";
import type { Forge, IssueComment, RepoRef } from "./forge.ts";
import { toForgeError } from "./forge-error.ts";

type Call = <T>(action: string, repo: RepoRef, run: (octokit: Octokit) => Promise<T>) => Promise<T>;
type CommentMethods = Pick<Forge, "listIssueComments" | "collaboratorAccess" | "reactToComment" | "tokenLogin">;

/** GitHub's largest page; more than that in one poll interval is read on the next poll. */
export const MAX_COMMENTS_PER_PAGE = 100;

/** `load` gives the client's Octokit, imported by the first call (client.ts). */
export function commentMethods(load: () => Promise<Octokit>, call: Call): CommentMethods {
  // Who the token is does not change while the process runs: ask GitHub once.
  let login: Promise<string | undefined> | undefined;
  return {
    listIssueComments: (repo, number, options) =>
      call(`reading the comments of #${number}`, repo, async (octokit) => {
        const perPage = Math.min(options.perPage ?? MAX_COMMENTS_PER_PAGE, MAX_COMMENTS_PER_PAGE);
        const { data } = await octokit.rest.issues.listComments({ ...repo, issue_number: number, per_page: perPage, ...(options.since ? { since: options.since } : {}) });
        return data.map(toComment);
      }),
    collaboratorAccess: (repo, username) =>
      call(`reading the access of ${username}`, repo, async (octokit) => {
        try {
          const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
          return { permission: data.permission, roleName: data.role_name };
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      }),
    reactToComment: (repo, commentId, content) =>
      call(`reacting to comment ${commentId}`, repo, async (octokit) => {
        await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
      }),
    tokenLogin: () => {
      login ??= load().then((octokit) => octokit.rest.users.getAuthenticated()).then(
        ({ data }) => data.login,
        (error: unknown) => {
          // An installation token may not read /user; the caller falls back to the account type.
          if (statusOf(error) === 403 || statusOf(error) === 404) return undefined;
          login = undefined; // anything else is asked again next time
          throw toForgeError(error, "reading who the token is", "the token's account");
        },
      );
      return login;
    },
  };
}

interface CommentData {
  id: number;
  html_url: string;
  body?: string;
  user: { login: string; id: number; type: string } | null;
  created_at: string;
  updated_at: string;
}

function toComment(data: CommentData): IssueComment {
  return {
    id: data.id,
    url: data.html_url,
    body: data.body ?? "",
    user: data.user ? { login: data.user.login, id: data.user.id, type: data.user.type } : undefined,
    createdAt: data.created_at,
    updatedAt: data.updated_at,
  };
}

function statusOf(error: unknown): unknown {
  return (error as { status?: unknown } | null)?.status;
}
