/** The lines each file of a result gains, for the secret scan: the patch part of `diffResult` (tree-changes.ts). */
export interface AddedFile {
  path: string;
  /** The lines the diff adds, without the leading "+". */
  addedLines: string[];
  /** Line numbers in the new file, parallel to addedLines. */
  lineNumbers: number[];
  /** The added text holds a NUL byte: a binary file, whose lines are not kept. */
  binary?: true;
  /** More than MAX_ADDED_BYTES were added: only the first lines are kept. */
  truncated?: true;
}

export const MAX_ADDED_BYTES = 4 * 1024 * 1024;

/** Reads a `--unified=0` patch hunk by hunk, counting lines, so added text never passes for a header. */
export function parsePatch(text: string): AddedFile[] {
  const files: (AddedFile & { bytes: number })[] = [];
  let file: (AddedFile & { bytes: number }) | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  for (const line of text.split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      const sign = line.charAt(0);
      if (sign === "+") {
        newLeft--;
        if (file) keep(file, line.slice(1), next);
        next++;
        continue;
      }
      if (sign === "-") {
        oldLeft--;
        continue;
      }
      if (sign === " ") {
        oldLeft--;
        newLeft--;
        next++;
        continue;
      }
      if (sign === "\\") continue;
      oldLeft = newLeft = 0;
    }
    if (line.startsWith("diff --git ")) file = undefined;
    else if (line.startsWith("+++ ")) {
      const path = headerPath(line.slice(4));
      file = path === undefined ? undefined : { path, addedLines: [], lineNumbers: [], bytes: 0 };
      if (file) files.push(file);
    } else if (line.startsWith("@@ ")) {
      const counts = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      oldLeft = Number(counts?.[1] ?? 1);
      next = Number(counts?.[2] ?? 0);
      newLeft = Number(counts?.[3] ?? 1);
    }
  }
  return files.map(({ bytes: _bytes, ...rest }) => rest);
}

function keep(file: AddedFile & { bytes: number }, text: string, line: number): void {
  if (file.binary || file.truncated) return;
  if (text.includes("\0")) {
    file.binary = true;
    file.addedLines = [];
    file.lineNumbers = [];
    return;
  }
  file.bytes += text.length + 1;
  if (file.bytes > MAX_ADDED_BYTES) {
    file.truncated = true;
    return;
  }
  file.addedLines.push(text);
  file.lineNumbers.push(line);
}

/** The path of a `+++ ` line: C-quoted by git when unusual, tab-terminated when it has a space. */
function headerPath(raw: string): string | undefined {
  const path = raw.startsWith('"') ? unquote(raw) : raw.replace(/\t$/, "");
  if (path === "/dev/null" || !path.startsWith("b/")) return undefined;
  return path.slice(2);
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

function unquote(quoted: string): string {
  const bytes: number[] = [];
  const inner = quoted.slice(1, quoted.lastIndexOf('"'));
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] ?? "";
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(inner.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      i++;
      bytes.push(ESCAPES[inner[i] ?? ""] ?? inner.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
