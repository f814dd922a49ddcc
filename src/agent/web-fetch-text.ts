/** A fetched body as text a model can read: HTML made readable, other text as it is, binary refused. */
import { convert } from "html-to-text";

// What a reader skips: code, styling, navigation and embedded media carry no prose.
const SKIPPED = ["script", "style", "noscript", "template", "nav", "svg", "iframe", "img", "video", "audio", "canvas", "form"];
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [...SKIPPED.map((selector) => ({ selector, format: "skip" })), { selector: "a", options: { hideLinkHrefIfSameAsText: true } }],
};
const TEXT_TYPES = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|ecmascript|yaml|x-yaml|toml|x-sh|sql|graphql|csv|ld\+json|x-ndjson)$)/;

export type Readable = { text: string; kind: "html" | "text" } | { binary: string };

export function readableText(body: Buffer, contentType: string | undefined): Readable {
  const [mime = "", ...params] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  const charset = params.find((param) => param.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (mime === "text/html" || mime === "application/xhtml+xml") return { text: convert(decode(body, charset), HTML_OPTIONS).trim(), kind: "html" };
  if (TEXT_TYPES.test(mime)) return { text: decode(body, charset), kind: "text" };
  if (mime !== "" && mime !== "application/octet-stream") return { binary: mime };
  // No useful type: a NUL byte near the start means binary, as git and grep decide.
  if (body.subarray(0, 8000).includes(0)) return { binary: mime || "unknown type" };
  const text = decode(body, charset);
  return /^\s*<(!doctype html|html)/i.test(text) ? { text: convert(text, HTML_OPTIONS).trim(), kind: "html" } : { text, kind: "text" };
}

function decode(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the best guess on the web.
    return new TextDecoder("utf-8").decode(body);
  }
}
