import type { ResolvedSettings } from "../tasks/types.ts";
import type { Deps } from "./context.ts";

/**
 * Throws the ConfigError of a missing model endpoint before anything is claimed. A task run
 * by another agent (`agent:`) talks to its own model, so it needs none of ours.
 */
export function requireModelAccess(deps: Deps, settings: ResolvedSettings): void {
  if (settings.agent === undefined) deps.modelClient(settings);
}
