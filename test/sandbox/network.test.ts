import { describe, expect, it } from "vitest";
import { networkMode } from "../../src/sandbox/network.ts";

describe("networkMode", () => {
  it("turns the network off when the task lists no host", () => {
    expect(networkMode("bubblewrap", [])).toEqual({ mode: "none" });
    expect(networkMode("sandbox-exec", [])).toEqual({ mode: "none" });
  });

  it("opens all network access for a host list, and says plainly that hosts cannot be restricted", () => {
    expect(networkMode("bubblewrap", ["registry.npmjs.org"])).toEqual({
      mode: "all",
      note: "bubblewrap cannot restrict hosts: the task's network list opens all network access",
    });
    expect(networkMode("sandbox-exec", ["pypi.org"]).note).toMatch(/sandbox-exec cannot restrict hosts/);
  });

  it("opens all network access without a note when the task asks for every host", () => {
    expect(networkMode("bubblewrap", ["*"])).toEqual({ mode: "all" });
  });

  it("says that without a sandbox the network cannot be turned off", () => {
    expect(networkMode("none", [])).toMatchObject({ mode: "all", note: expect.stringMatching(/without a sandbox/) });
  });
});
