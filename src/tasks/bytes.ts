import type { Problem } from "./types.ts";

export const MAX_TASK_FILE_BYTES = 256 * 1024;

/** The file's text, or the Problem that stops it being read as text at all. */
export function checkBytes(content: string | Uint8Array, fileName: string): string | Problem {
  const size = typeof content === "string" ? Buffer.byteLength(content, "utf8") : content.byteLength;
  if (size > MAX_TASK_FILE_BYTES) {
    return {
      message: `${fileName} is ${formatSize(size)} (${size} bytes), over the limit of ${formatSize(MAX_TASK_FILE_BYTES)}`,
      line: 1,
      column: 1,
      hint: "keep long instructions in files of the repository and refer to them from the prompt",
    };
  }
  const hasNul = typeof content === "string" ? content.includes("\0") : content.includes(0);
  if (hasNul) return binary(fileName, "it contains NUL bytes");
  if (typeof content === "string") return content.isWellFormed() ? content : binary(fileName, "it is not valid Unicode text");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return binary(fileName, "it is not valid UTF-8");
  }
}

function binary(fileName: string, reason: string): Problem {
  return { message: `${fileName} looks binary: ${reason}`, line: 1, column: 1, hint: "save it as UTF-8 text" };
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
