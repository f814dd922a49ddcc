import { describe, expect, it } from "vitest";
import { truncateOutput } from "../../src/agent/truncate.ts";

describe("truncateOutput", () => {
  it("leaves text within the limit alone", () => {
    expect(truncateOutput("short", 10)).toBe("short");
    expect(truncateOutput("", 0)).toBe("");
  });

  it("keeps the head and the tail and says how much went missing", () => {
    const text = `${"h".repeat(600)}${"m".repeat(10_000)}${"t".repeat(600)}`;
    const out = truncateOutput(text, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.startsWith("h".repeat(400))).toBe(true);
    expect(out.endsWith("t".repeat(400))).toBe(true);
    const [head = "", count, tail = ""] = out.split(/\n\[… (\d+) characters truncated …\]\n/);
    expect(head.length + Number(count) + tail.length).toBe(text.length);
  });

  it("never splits a surrogate pair", () => {
    const out = truncateOutput("😀".repeat(1000), 101);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
