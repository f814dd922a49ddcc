import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chatBody, errorBody, responseBody, type Api, type ScriptTurn, type TurnContext } from "./scripted-bodies.ts";

export type { ScriptTurn, TurnContext } from "./scripted-bodies.ts";

export type Script = readonly ScriptTurn[] | ((req: TurnContext) => ScriptTurn | Promise<ScriptTurn>);

export interface RecordedRequest {
  api: Api;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** Size of the body as sent, in bytes: what a turn costs on the wire (benchmarks read it). */
  bytes: number;
}

export interface ScriptedServer {
  /** Base URL including /v1, for OPENAI_BASE_URL. */
  url: string;
  /** Every completion request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const ROUTES: Record<string, Api> = { "/v1/responses": "responses", "/v1/chat/completions": "chat" };

/**
 * An OpenAI-compatible server on 127.0.0.1 that plays a script instead of a model, for
 * `git codex demo` and the tests: it speaks the real wire format, so the real client runs.
 */
export async function startScriptedServer(options: { script: Script }): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res, options.script, requests).catch((err: unknown) => {
      send(res, 500, errorBody(500, `scripted server failed: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive connections of the client would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, script: Script, requests: RecordedRequest[]): Promise<void> {
  const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  const api = ROUTES[path];
  if (req.method !== "POST" || api === undefined) {
    send(res, 404, errorBody(404, `scripted server: no route for ${req.method} ${path}`));
    return;
  }
  let body: Record<string, unknown>;
  let raw: string;
  try {
    raw = await readBody(req);
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    send(res, 400, errorBody(400, "scripted server: the request body is not JSON"));
    return;
  }
  const index = requests.length;
  requests.push({ api, method: req.method, path, headers: { ...req.headers }, body, bytes: Buffer.byteLength(raw) });
  const ctx: TurnContext = { api, body, index };
  const turn = typeof script === "function" ? await script(ctx) : script[index];
  if (turn === undefined) {
    send(res, 500, errorBody(500, `scripted server: the script has no turn ${index + 1}`));
    return;
  }
  if (turn.error) {
    const { status, body: errBody, headers } = turn.error;
    send(res, status, errBody ?? errorBody(status, `scripted error ${status}`), headers);
    return;
  }
  send(res, 200, api === "responses" ? responseBody(turn, ctx, Date.now()) : chatBody(turn, ctx, Date.now()));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
