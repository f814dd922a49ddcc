import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentToolContext } from "../../src/agent/types.ts";
import { createWebFetchTool, type WebFetchOptions } from "../../src/agent/web-fetch.ts";
import { hostListing, isPrivateAddress } from "../../src/agent/web-fetch-policy.ts";
import { call, startHarness, toolOutputs } from "../helpers/agent-harness.ts";

const PAGE = `<!doctype html><html><head><title>T</title><style>body{color:red}</style><script>steal()</script></head>
<body><nav>Home | Login</nav><h1>Release notes</h1><p>Version 2 adds <a href="/docs">docs</a>.</p></body></html>`;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

const seen: Seen[] = [];
let origin: string;
let port: number;
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? "", headers: req.headers });
  const routes: Record<string, (res: ServerResponse) => void> = {
    "/page": (r) => r.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": "session=abc" }).end(PAGE),
    "/moved": (r) => r.writeHead(302, { location: "/page", "set-cookie": "moved=1" }).end(),
    "/away": (r) => r.writeHead(301, { location: `http://localhost:${port}/page` }).end(),
    "/loop": (r) => r.writeHead(302, { location: "/loop" }).end(),
    "/big": (r) => r.writeHead(200, { "content-type": "text/plain" }).end("a".repeat(5000)),
    "/zipped": (r) => r.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(gzipSync("squeezed text")),
    "/image": (r) => r.writeHead(200, { "content-type": "image/png" }).end(PNG),
    "/untyped": (r) => r.writeHead(200).end(Buffer.concat([PNG, Buffer.alloc(10)])),
    "/json": (r) => r.writeHead(404, { "content-type": "application/problem+json" }).end('{"error":"nope"}'),
  };
  (routes[req.url ?? ""] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ctx: AgentToolContext = { workdir: "/nonexistent", maxOutputChars: 16_000, remainingMs: () => 60_000 };
/** Answers every name with 127.0.0.1, as a DNS server pointing an allowed name at the host's own services would. */
const toLoopback: LookupFunction = (_host, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]);

async function fetchUrl(url: string, options: Partial<WebFetchOptions> = {}) {
  const before = seen.length;
  const outcome = await createWebFetchTool({ hosts: ["127.0.0.1"], ...options }).run({ url }, ctx);
  return { ...outcome, requests: seen.slice(before) };
}

describe("web_fetch", () => {
  it("returns an HTML page as readable text, without scripts, styles or navigation", async () => {
    const { output, requests } = await fetchUrl(`${origin}/page`);
    expect(output).toBe(`URL: ${origin}/page\nStatus: 200\nContent-Type: text/html; charset=utf-8\n\nRELEASE NOTES\n\nVersion 2 adds docs [/docs].`);
    expect(requests).toHaveLength(1);
  });

  it("follows a redirect on an allowed host and sends no cookie or credentials", async () => {
    const { output, requests } = await fetchUrl(`${origin}/moved`);
    expect(output).toMatch(/^URL: http:\/\/127\.0\.0\.1:\d+\/page\nStatus: 200/);
    expect(requests.map((r) => r.path)).toEqual(["/moved", "/page"]);
    for (const { headers } of requests) {
      expect(headers.cookie).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
  });

  it("refuses a redirect to a host that is not on the list", async () => {
    const { output, requests } = await fetchUrl(`${origin}/away`);
    expect(output).toBe(`web_fetch refused: ${origin}/away redirects to http://localhost:${port}/page: localhost is not on the task's network list (the task's network list allows: 127.0.0.1)`);
    expect(requests.map((r) => r.path)).toEqual(["/away"]);
  });

  it("refuses a host that is not on the list without connecting", async () => {
    const { output, requests } = await fetchUrl(`http://localhost:${port}/page`);
    expect(output).toMatch(/^web_fetch refused: localhost is not on the task's network list/);
    expect(requests).toEqual([]);
    expect((await fetchUrl(`${origin}/page`, { hosts: [] })).output).toBe("web_fetch refused: 127.0.0.1 is not on the task's network list (the task's network list is empty)");
  });

  it("refuses other schemes, credentials in the URL and redirect loops", async () => {
    expect((await fetchUrl("file:///etc/passwd")).output).toBe("web_fetch refused: only http and https URLs can be fetched, not file:");
    expect((await fetchUrl(`http://user:pw@127.0.0.1:${port}/page`)).output).toBe("web_fetch refused: URLs with a user name or password are not fetched");
    expect((await fetchUrl("not a url")).output).toBe('web_fetch refused: "not a url" is not a URL');
    const loop = await fetchUrl(`${origin}/loop`);
    expect(loop.output).toBe("web_fetch refused: more than 5 redirects, the last to /loop");
    expect(loop.requests).toHaveLength(6);
  });

  it("refuses an allowed name whose address is private, unless the name is listed literally", async () => {
    const wildcard = await fetchUrl(`http://docs.example.test:${port}/page`, { hosts: ["*.example.test"], lookup: toLoopback });
    expect(wildcard.output).toBe("web_fetch refused: docs.example.test resolves to 127.0.0.1, a private or local address; list the host literally in network: to allow it");
    expect(wildcard.requests).toEqual([]);

    const literal = await fetchUrl(`http://docs.example.test:${port}/page`, { hosts: ["docs.example.test"], lookup: toLoopback });
    expect(literal.output).toContain("RELEASE NOTES");
  });

  it("reads at most maxBytes of a body and says it cut the rest", async () => {
    const { output } = await fetchUrl(`${origin}/big`, { maxBytes: 1000 });
    expect(output).toBe(`URL: ${origin}/big\nStatus: 200\nContent-Type: text/plain\n\n${"a".repeat(1000)}\n[… the body is longer than 1000 bytes; only its start was read]`);
  });

  it("refuses binary content, typed or not", async () => {
    expect((await fetchUrl(`${origin}/image`)).output).toBe(`web_fetch refused: ${origin}/image is image/png, not text; binary content is not returned`);
    expect((await fetchUrl(`${origin}/untyped`)).output).toBe(`web_fetch refused: ${origin}/untyped is unknown type, not text; binary content is not returned`);
  });

  it("decompresses gzip and returns other text types and error statuses as they are", async () => {
    expect((await fetchUrl(`${origin}/zipped`)).output).toMatch(/\n\nsqueezed text$/);
    expect((await fetchUrl(`${origin}/json`)).output).toBe(`URL: ${origin}/json\nStatus: 404\nContent-Type: application/problem+json\n\n{"error":"nope"}`);
  });

  it("is a tool the model calls, its text in the model's next request", async () => {
    await using h = await startHarness({ script: [call("web_fetch", { url: `${origin}/page` }), { text: "Read it." }] });
    await h.run({ tools: [createWebFetchTool({ hosts: ["127.0.0.1"] })] });
    expect(toolOutputs(h.server)[0]).toContain("Version 2 adds docs");
  });
});

describe("web_fetch's policy", () => {
  it("matches hosts as the network list does", () => {
    expect(hostListing("API.Example.com.", ["api.example.com"])).toBe("literal");
    expect(hostListing("a.b.example.com", ["*.example.com"])).toBe("pattern");
    expect(hostListing("example.com", ["*.example.com"])).toBeUndefined();
    expect(hostListing("badexample.com", ["*.example.com"])).toBeUndefined();
  });

  it("knows private, loopback, link-local and mapped addresses", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:169.254.169.254", "not-an-ip"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]) expect(isPrivateAddress(address), address).toBe(false);
  });
});
