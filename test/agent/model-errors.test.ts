import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyModelError, retryAfter } from "../../src/agent/model-errors.ts";
import { createOpenAIClient } from "../../src/agent/openai-client.ts";
import { startScriptedServer } from "../../src/demo/scripted-server.ts";

const httpError = (status: number, error: object = { message: "boom" }, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error }, undefined, new Headers(headers));

describe("classifyModelError", () => {
  it.each([
    [408, "request-timeout", true],
    [409, "conflict", true],
    [429, "rate-limit", true],
    [500, "server", true],
    [503, "server", true],
    [400, "bad-request", false],
    [422, "bad-request", false],
    [401, "auth", false],
    [403, "permission", false],
    [404, "not-found", false],
  ])("sorts HTTP %i as %s (retryable: %s)", (status, kind, retryable) => {
    expect(classifyModelError(httpError(status))).toMatchObject({ kind, retryable });
  });

  it("names the setting to check for auth and missing models", () => {
    expect(classifyModelError(httpError(401)).message).toContain("check OPENAI_API_KEY");
    expect(classifyModelError(httpError(404, { message: "The model `gpt-9` does not exist" })).message).toMatch(/gpt-9.*GIT_CODEX_MODEL/);
  });

  it("treats an exhausted quota as final, unlike a rate limit", () => {
    const quota = httpError(429, { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" });
    expect(classifyModelError(quota)).toMatchObject({ kind: "quota", retryable: false });
  });

  it("recognizes context-length errors by code or by message", () => {
    expect(classifyModelError(httpError(400, { message: "too long", code: "context_length_exceeded" }))).toMatchObject({ kind: "context-length", retryable: false });
    expect(classifyModelError(httpError(400, { message: "This model's maximum context length is 8192 tokens" })).kind).toBe("context-length");
  });

  it("retries connection failures and timeouts, not aborts", () => {
    expect(classifyModelError(new APIConnectionError({ cause: new Error("ECONNREFUSED") }))).toMatchObject({ kind: "connection", retryable: true });
    expect(classifyModelError(new APIConnectionTimeoutError())).toMatchObject({ kind: "timeout", retryable: true });
    expect(classifyModelError(new APIUserAbortError())).toMatchObject({ kind: "aborted", retryable: false });
    expect(classifyModelError(new TypeError("bad"))).toMatchObject({ kind: "unknown", retryable: false });
  });

  it("reads retry-after in seconds, milliseconds or as a date", () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(classifyModelError(httpError(429, {}, { "retry-after": "3" }), now).retryAfterMs).toBe(3000);
    expect(retryAfter(new Headers({ "retry-after-ms": "250.4" }), now)).toBe(250);
    expect(retryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 12:00:09 GMT" }), now)).toBe(9000);
    expect(retryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(classifyModelError(httpError(401, {}, { "retry-after": "3" })).retryAfterMs).toBeUndefined();
  });

  it("sees an unreachable server through the real client as a retryable connection error", async () => {
    const server = await startScriptedServer({ script: [] });
    await server.close();
    const client = createOpenAIClient({ apiKey: "sk-test", baseURL: server.url, api: "responses" });
    const err = await client.complete({ model: "m", instructions: "", items: [], tools: [] }).catch((e: unknown) => e);
    expect(classifyModelError(err)).toMatchObject({ kind: "connection", retryable: true });
  });
});
