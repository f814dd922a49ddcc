/**
 * The `web_fetch` tool: one URL in, readable text out. It runs in the bot's process,
 * outside the sandbox, so it is the one network path a task has when the sandbox's network
 * is off, and only to the hosts on the task's `network:` list (see web-fetch-policy.ts).
 */
import { lookup as dnsLookup } from "node:dns";
import type { LookupFunction } from "node:net";
import { truncateOutput } from "./truncate.ts";
import type { AgentTool, AgentToolContext, ToolOutcome } from "./types.ts";
import { getOnce, type HttpAnswer } from "./web-fetch-http.ts";
import { checkUrl, guardedLookup, WebFetchRefused } from "./web-fetch-policy.ts";
import { readableText } from "./web-fetch-text.ts";

export { WebFetchRefused } from "./web-fetch-policy.ts";

export interface WebFetchOptions {
  /** The task's network list: host names and `*.domain` patterns. */
  hosts: readonly string[];
  /** DNS lookup; tests point names at local addresses. Default: the system resolver. */
  lookup?: LookupFunction;
  /** Per call, redirects included. Default 30 s, never more than the task has left. */
  timeoutMs?: number;
  /** Bytes of body read; the rest is dropped. Default 2 MiB. */
  maxBytes?: number;
}

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

export function createWebFetchTool(options: WebFetchOptions): AgentTool {
  const hosts = options.hosts.length === 0 ? "none: the task's network list is empty" : options.hosts.join(", ");
  return {
    spec: {
      name: "web_fetch",
      description: `Fetches one http(s) URL and returns its content as readable text (HTML converted to text; binary content is refused). Allowed hosts: ${hosts}. Redirects are followed only to allowed hosts.`,
      parameters: { type: "object", properties: { url: { type: "string", description: "The http or https URL to fetch." } }, required: ["url"], additionalProperties: false },
    },
    run: (args, ctx) => webFetch(args, ctx, options),
  };
}

async function webFetch(args: Record<string, unknown>, ctx: AgentToolContext, options: WebFetchOptions): Promise<ToolOutcome> {
  const refuse = (reason: string): ToolOutcome => ({ output: `web_fetch refused: ${reason}`, summary: "web_fetch: refused" });
  if (typeof args.url !== "string" || args.url.trim() === "") return refuse('"url" must be an http or https URL');
  let url: URL;
  try {
    url = new URL(args.url.trim());
  } catch {
    return refuse(`${JSON.stringify(args.url.slice(0, 200))} is not a URL`);
  }
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ctx.remainingMs());
  if (timeoutMs <= 0) return refuse("the task has no time left");
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  try {
    const { answer, finalUrl } = await follow(url, options, signal);
    return describe(answer, finalUrl, ctx.maxOutputChars, options.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (error) {
    if (error instanceof WebFetchRefused) return refuse(error.message);
    if (signal.aborted && !ctx.signal?.aborted) throw new Error(`${url.href}: no complete answer within ${Math.round(timeoutMs / 1000)}s`, { cause: error });
    throw error;
  }
}

/** GETs `url`, following up to 5 redirects by hand, each hop checked like the first. */
async function follow(start: URL, options: WebFetchOptions, signal: AbortSignal): Promise<{ answer: HttpAnswer; finalUrl: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const listing = checkUrl(url, options.hosts);
    const lookup = guardedLookup(options.lookup ?? dnsLookup, listing === "literal");
    const answer = await getOnce(url, { lookup, signal, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || location === undefined) return { answer, finalUrl: url };
    if (hop === MAX_REDIRECTS) throw new WebFetchRefused(`more than ${MAX_REDIRECTS} redirects, the last to ${location}`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new WebFetchRefused(`${url.href} redirects to ${JSON.stringify(location.slice(0, 200))}, which is not a URL`);
    }
    try {
      checkUrl(next, options.hosts);
    } catch (error) {
      if (error instanceof WebFetchRefused) throw new WebFetchRefused(`${url.href} redirects to ${next.href}: ${error.message}`);
      throw error;
    }
    url = next;
  }
}

function describe(answer: HttpAnswer, url: URL, maxChars: number, maxBytes: number): ToolOutcome {
  const type = answer.headers["content-type"];
  const readable = readableText(answer.body, type);
  if ("binary" in readable) {
    return { output: `web_fetch refused: ${url.href} is ${readable.binary}, not text; binary content is not returned`, summary: "web_fetch: binary refused" };
  }
  const cut = answer.truncated ? `\n[… the body is longer than ${maxBytes} bytes; only its start was read]` : "";
  const head = `URL: ${url.href}\nStatus: ${answer.status}\nContent-Type: ${type ?? "(none)"}\n\n`;
  return { output: truncateOutput(`${head}${readable.text}${cut}`, maxChars), summary: `web_fetch: ${answer.status} ${url.host}` };
}
