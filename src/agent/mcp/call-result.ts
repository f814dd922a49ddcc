/**
 * An MCP tool result as text for the model: text content as it is, other content described
 * (an image's bytes are of no use in a function call output), structured content as JSON.
 */

interface Content {
  type: string;
  text?: unknown;
  mimeType?: unknown;
  data?: unknown;
  uri?: unknown;
  name?: unknown;
  resource?: { uri?: unknown; text?: unknown; blob?: unknown; mimeType?: unknown };
}

export interface CallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
  /** Servers of protocol 2024-10-07 answer with this instead of content. */
  toolResult?: unknown;
}

/** The result's text, and whether the server marked it as an error. */
export function describeCallResult(result: CallResult): { text: string; isError: boolean } {
  const parts = Array.isArray(result.content) ? (result.content as Content[]).map(describeContent) : [];
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  if (parts.length === 0 && result.toolResult !== undefined) parts.push(JSON.stringify(result.toolResult));
  return { text: parts.length === 0 ? "(no content)" : parts.join("\n"), isError: result.isError === true };
}

function describeContent(item: Content): string {
  switch (item.type) {
    case "text":
      return String(item.text ?? "");
    case "image":
    case "audio":
      return `[${item.type} ${String(item.mimeType ?? "")}, ${base64Bytes(item.data)} bytes, not shown]`;
    case "resource": {
      const resource = item.resource ?? {};
      if (typeof resource.text === "string") return `[resource ${String(resource.uri ?? "")}]\n${resource.text}`;
      return `[resource ${String(resource.uri ?? "")} ${String(resource.mimeType ?? "")}, ${base64Bytes(resource.blob)} bytes, not shown]`;
    }
    case "resource_link":
      return `[link ${String(item.name ?? "")}: ${String(item.uri ?? "")}]`;
    default:
      return `[${String(item.type)} content, not shown]`;
  }
}

function base64Bytes(data: unknown): number {
  return typeof data === "string" ? Math.floor((data.replace(/=+$/, "").length * 3) / 4) : 0;
}
