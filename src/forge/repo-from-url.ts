/** Which GitHub repository a git remote URL names, read without asking the network. */

export interface GitHubRepo {
  owner: string;
  repo: string;
  /** Lower-case host name of the remote, without port: `github.com` or a GitHub Enterprise host. */
  host: string;
}

// GitHub's own rules: owners are letters, digits and single hyphens; repository names
// letters, digits, `.`, `_` and `-`, never `.` or `..` alone.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
// Host names git users meet for github.com itself: SSH over port 443 is ssh.github.com.
const GITHUB_COM_HOSTS = new Set(["github.com", "www.github.com", "ssh.github.com"]);
const URL_SCHEMES = new Set(["https:", "http:", "ssh:", "git:", "git+ssh:", "ssh+git:"]);

/** `owner/repo` → its parts, or undefined when it is not exactly that. */
export function parseRepositoryName(text: string): { owner: string; repo: string } | undefined {
  const parts = text.trim().split("/");
  if (parts.length !== 2) return undefined;
  const [owner = "", repo = ""] = parts;
  return OWNER.test(owner) && REPO.test(repo) && repo !== "." && repo !== ".." ? { owner, repo } : undefined;
}

/**
 * The repository a remote URL points at, when its host is GitHub: github.com always, and
 * `apiHost` (the host of a configured GitHub Enterprise API URL) or the host it serves
 * (`api.example.ghe.com` serves `example.ghe.com`). Undefined for other hosts, local
 * paths, file:// URLs and anything that is not `owner/repo` on the host.
 */
export function githubRepoFromUrl(url: string, apiHost?: string): GitHubRepo | undefined {
  const location = hostAndPath(url.trim());
  if (!location || !isGitHubHost(location.host, apiHost)) return undefined;
  const path = location.path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  const parsed = parseRepositoryName(path);
  if (!parsed) return undefined;
  return { ...parsed, host: GITHUB_COM_HOSTS.has(location.host) ? "github.com" : location.host };
}

/** Host name (lower case, no port, no user) and path of a URL or scp-like address. */
function hostAndPath(url: string): { host: string; path: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!URL_SCHEMES.has(parsed.protocol.toLowerCase()) || !parsed.hostname) return undefined;
    return { host: stripBrackets(parsed.hostname.toLowerCase()), path: decodeURIComponent(parsed.pathname) };
  }
  // git's scp-like syntax, [user@]host:path: a colon before any slash, and not a drive letter.
  const scp = /^(?:[^@/:\s]+@)?([^@/:\s]+|\[[^\]]+\]):(?!\/)(.+)$/.exec(url);
  if (!scp?.[1] || !scp[2] || /^[A-Za-z]$/.test(scp[1])) return undefined;
  return { host: stripBrackets(scp[1].toLowerCase()), path: scp[2] };
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function isGitHubHost(host: string, apiHost: string | undefined): boolean {
  if (GITHUB_COM_HOSTS.has(host)) return true;
  if (!apiHost) return false;
  const api = apiHost.toLowerCase();
  return host === api || `api.${host}` === api;
}

/** The URL as it may be shown to a person: any user name or password in it removed. */
export function displayRemote(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1");
}
