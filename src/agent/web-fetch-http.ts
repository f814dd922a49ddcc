/**
 * One GET for web_fetch, with node:http so the connection's DNS lookup can be checked: no
 * cookies, no credentials, no connection reuse, the body read up to a cap.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Empty for a redirect, whose body is never read. */
  body: Buffer;
  /** The body was longer than the cap; `body` holds its start. */
  truncated: boolean;
}

export interface GetOptions {
  lookup: LookupFunction;
  maxBytes: number;
  signal: AbortSignal;
}

const HEADERS = { "user-agent": "git-codex web_fetch", accept: "text/html, text/plain;q=0.9, */*;q=0.5", "accept-encoding": "gzip, deflate, br" };

export function getOnce(url: URL, options: GetOptions): Promise<HttpAnswer> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers: HEADERS, lookup: options.lookup, agent: false, signal: options.signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location !== undefined) {
        res.destroy();
        resolve({ status, headers: res.headers, body: Buffer.alloc(0), truncated: false });
        return;
      }
      readCapped(decoded(res), options.maxBytes).then(({ body, truncated }) => {
        res.destroy();
        resolve({ status, headers: res.headers, body, truncated });
      }, reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The body as sent before content coding; the cap applies after decompression, so a small bomb stays small. */
function decoded(res: IncomingMessage): Readable {
  const coding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = coding === "gzip" || coding === "x-gzip" ? createGunzip() : coding === "deflate" ? createInflate() : coding === "br" ? createBrotliDecompress() : undefined;
  if (!decoder) return res;
  res.on("error", (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

function readCapped(stream: Readable, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean): void => {
      stream.removeAllListeners("data");
      resolve({ body: Buffer.concat(chunks), truncated });
    };
    stream.on("data", (chunk: Buffer) => {
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        stream.destroy();
        finish(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.once("end", () => finish(false));
    // Not once: a stream destroyed mid-body may report more than one error, and the first settles.
    stream.on("error", reject);
  });
}
