import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/types.ts";
import type { TurnContext } from "../../src/demo/scripted-server.ts";
import { call, startHarness } from "../helpers/agent-harness.ts";

const addFixed = ["*** Begin Patch", "*** Add File: fixed.txt", "+fixed", "*** End Patch"].join("\n");

/** The text of the last user message in a Responses request. */
function lastUserText(ctx: TurnContext): string {
  const input = ctx.body.input as { role?: string; content?: unknown }[];
  return String(input.filter((item) => item.role === "user").at(-1)?.content ?? "");
}

describe("runAgent verification", () => {
  it("hands a failed verification back to the model, which fixes it", async () => {
    await using h = await startHarness({
      script: (ctx) => {
        if (ctx.index === 0) return { text: "All done, I think." };
        if (ctx.index === 1) return call("apply_patch", { input: addFixed });
        return { text: "Added fixed.txt so verification passes." };
      },
    });
    const events: AgentEvent[] = [];
    const result = await h.run({ verify: "test -f fixed.txt", onEvent: (event) => events.push(event) });

    expect(result).toMatchObject({ outcome: "completed", verify: "passed", turns: 3, finalMessage: "Added fixed.txt so verification passes." });
    const feedback = h.server.requests[1]?.body.input as { role?: string; content?: string }[];
    expect(feedback.at(-1)).toMatchObject({ role: "user", content: expect.stringMatching(/^Verification failed: `test -f fixed.txt` exited with 1\./) });
    expect(events.filter((event) => event.type === "verify")).toEqual([
      { type: "verify", round: 1, passed: false },
      { type: "verify", round: 2, passed: true },
    ]);
    expect(result.transcript.filter((entry) => entry.type === "verify")).toMatchObject([
      { round: 1, command: "test -f fixed.txt", passed: false, exitCode: 1 },
      { round: 2, passed: true, exitCode: 0 },
    ]);
  });

  it("records verify failed after the last round and still completes", async () => {
    const seen: string[] = [];
    await using h = await startHarness({
      script: (ctx) => {
        seen.push(lastUserText(ctx));
        return { text: `Attempt ${ctx.index + 1}.` };
      },
    });
    const result = await h.run({ verify: "echo broken >&2; exit 3", maxVerifyRounds: 2 });

    expect(result).toMatchObject({ outcome: "completed", verify: "failed", turns: 3, finalMessage: "Attempt 3." });
    expect(result.transcript.filter((entry) => entry.type === "verify")).toHaveLength(3);
    expect(seen[1]).toContain("exited with 3");
    expect(seen[1]).toContain("broken");
    expect(seen[1]).toContain("2 attempts left");
    expect(seen[2]).toContain("1 attempt left");
  });

  it("passes on the first attempt without another turn", async () => {
    await using h = await startHarness({ script: [{ text: "Nothing needed." }] });
    const result = await h.run({ verify: "true" });

    expect(result).toMatchObject({ outcome: "completed", verify: "passed", turns: 1 });
  });

  it("does not verify when the time budget is already spent", async () => {
    await using h = await startHarness({
      script: () => {
        h.clock.advance(11 * 60_000);
        return { text: "Slow but done." };
      },
    });
    const result = await h.run({ verify: "true", budget: { turns: 5, minutes: 10 } });

    expect(result).toMatchObject({ outcome: "budget", reason: "budget exhausted: 10 minutes", verify: "skipped" });
  });
});
