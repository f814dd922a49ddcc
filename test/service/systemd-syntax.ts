/**
 * The parts of systemd's unit syntax (systemd.syntax(7), systemd.service(5)) the tests need
 * to read a generated unit back: specifiers, quoting with C escapes, and `$` expansion.
 */
export function unitValues(unit: string, key: string): string[] {
  return unit.split("\n").filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));
}

/** The argv systemd would start: specifiers resolved, words unquoted, `$$` turned into `$`. */
export function execStartArgv(value: string): string[] {
  const words = splitWords(resolveSpecifiers(value));
  return words.map((word, index) => (index === 0 ? word : expandDollars(word)));
}

/** Environment= assignments: unquoted words split at the first `=`. */
export function environmentOf(unit: string): Record<string, string> {
  const entries = unitValues(unit, "Environment").flatMap((value) => splitWords(resolveSpecifiers(value)));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

export function resolveSpecifiers(value: string): string {
  return value.replace(/%(.)/g, (_match, char: string) => {
    if (char === "%") return "%";
    throw new Error(`unexpected specifier %${char} in ${value}`);
  });
}

function expandDollars(word: string): string {
  if (/^\$[A-Za-z_]/.test(word)) throw new Error(`systemd would expand ${word}`);
  return word.replace(/\$(\$|\{)?/g, (match, next?: string) => {
    if (next === "$") return "$";
    if (next === "{") throw new Error(`systemd would expand \${…} in ${word}`);
    return match;
  });
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'", s: " " };

function splitWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (i >= text.length) break;
    const quote = text[i] === '"' || text[i] === "'" ? text[i++] : undefined;
    let word = "";
    while (i < text.length && (quote ? text[i] !== quote : text[i] !== " ")) {
      if (text[i] === "\\") {
        const next = text[i + 1] ?? "";
        if (next === "x") {
          word += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        word += ESCAPES[next] ?? `\\${next}`;
        i += 2;
        continue;
      }
      word += text[i++];
    }
    if (quote) i++;
    words.push(word);
  }
  return words;
}
