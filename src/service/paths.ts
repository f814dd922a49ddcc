import { isAbsolute, join } from "node:path";

export const SYSTEMD_UNIT_NAME = "git-codex.service";
export const LAUNCHD_LABEL = "dev.git-codex.watch";

/** Where the service definition and the files the daemon reads live for one user. */
export interface ServicePaths {
  /** `$XDG_CONFIG_HOME` or `~/.config`. */
  configHome: string;
  /** True when `configHome` is the default `~/.config` (the unit can then say `%h/.config`). */
  defaultConfigHome: boolean;
  systemdUnit: string;
  launchdPlist: string;
  launchdLogDir: string;
  /** KEY=value lines (OPENAI_API_KEY…), mode 600; read by systemd, or by git-codex itself. */
  envFile: string;
  /** Repositories `git codex watch` serves when given none: one absolute path per line. */
  reposFile: string;
}

export function servicePaths(home: string, env: Record<string, string | undefined>): ServicePaths {
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(home, ".config");
  return {
    configHome,
    defaultConfigHome: configHome === join(home, ".config"),
    systemdUnit: join(configHome, "systemd", "user", SYSTEMD_UNIT_NAME),
    launchdPlist: join(home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`),
    launchdLogDir: join(home, "Library", "Logs", "git-codex"),
    envFile: join(configHome, "git-codex", "env"),
    reposFile: join(configHome, "git-codex", "repos"),
  };
}
