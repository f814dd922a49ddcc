import { startScriptedServer, type ScriptTurn, type ScriptedServer } from "../../src/demo/scripted-server.ts";

export interface ScriptedModel extends ScriptedServer {
  /** Number of model requests made by the conversation whose prompt contains `marker`. */
  requestsFor(marker: string): number;
}

/**
 * A scripted model serving several conversations at once: each conversation is picked by a
 * marker found in its messages (a word of the task's prompt) and plays its own turns. The
 * first marker found wins, so list the more specific ones first.
 */
export async function startModel(conversations: Record<string, ScriptTurn[]>, fallback: ScriptTurn = { text: "Nothing to do." }): Promise<ScriptedModel> {
  const played = new Map<string, number>();
  const server = await startScriptedServer({
    script: ({ body }) => {
      const messages = JSON.stringify(body.input ?? body.messages ?? "");
      const marker = Object.keys(conversations).find((m) => messages.includes(m));
      if (marker === undefined) return fallback;
      const n = played.get(marker) ?? 0;
      played.set(marker, n + 1);
      const turns = conversations[marker] ?? [];
      return turns[Math.min(n, turns.length - 1)] ?? fallback;
    },
  });
  return { ...server, requestsFor: (marker) => played.get(marker) ?? 0 };
}

/** Turns that add one file with apply_patch, then finish with `summary`. */
export function addFile(path: string, content: string, summary = `Added ${path}.`): ScriptTurn[] {
  const patch = ["*** Begin Patch", `*** Add File: ${path}`, ...content.split("\n").map((line) => `+${line}`), "*** End Patch"].join("\n");
  return [{ toolCalls: [{ name: "apply_patch", arguments: { input: patch } }] }, { text: summary }];
}

/**
 * A model whose first conversation never answers (it "thinks" until the process asking is
 * killed); every later conversation plays `finish`. `firstRequest` resolves once the first
 * request has arrived, the moment to kill; `conversations()` counts the conversations begun.
 */
export async function startModelHangingFirst(finish: ScriptTurn[]): Promise<{ server: ScriptedServer; firstRequest: Promise<void>; conversations(): number }> {
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
  let conversations = 0;
  const server = await startScriptedServer({
    script: async ({ body }): Promise<ScriptTurn> => {
      const input = JSON.stringify(body.input);
      if (!input.includes("function_call")) conversations++;
      if (conversations === 1) {
        arrived();
        return new Promise<ScriptTurn>(() => {});
      }
      return (input.includes("function_call_output") ? finish[1] : finish[0]) as ScriptTurn;
    },
  });
  return { server, firstRequest, conversations: () => conversations };
}
