/** A plist value of the kinds launchd agents use. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Reads the plist subset git-codex writes (dict, array, string, integer, true, false),
 * strictly: unbalanced tags, stray `<` or `&`, or anything unknown throws.
 */
export function readPlist(xml: string): PlistValue {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>\s*/, "").replace(/<!--[\s\S]*?-->/g, (comment) => {
    if (comment.slice(4, -3).includes("--")) throw new Error(`"--" inside a comment: ${comment}`);
    return "";
  });
  const tokens = body.match(/<[^>]*>|[^<]+/g) ?? [];
  let at = 0;
  const next = (): string => tokens[at++] ?? "";
  const skipSpace = (): void => {
    while (at < tokens.length && /^\s+$/.test(tokens[at]!)) at++;
  };
  const value = (): PlistValue => {
    skipSpace();
    const tag = next();
    if (tag === "<true/>" || tag === "<false/>") return tag === "<true/>";
    if (tag === "<string></string>") return "";
    if (tag === "<string>" || tag === "<integer>" || tag === "<key>") {
      const text = tokens[at]?.startsWith("<") ? "" : decode(next());
      if (next() !== tag.replace("<", "</")) throw new Error(`unclosed ${tag}`);
      return tag === "<integer>" ? Number(text) : text;
    }
    if (tag === "<array>") {
      const items: PlistValue[] = [];
      while ((skipSpace(), tokens[at] !== "</array>")) items.push(value());
      next();
      return items;
    }
    if (tag === "<dict>") {
      const dict: Record<string, PlistValue> = {};
      while ((skipSpace(), tokens[at] !== "</dict>")) {
        const key = value();
        if (typeof key !== "string") throw new Error("dict key is not a <key>");
        dict[key] = value();
      }
      next();
      return dict;
    }
    throw new Error(`unexpected ${JSON.stringify(tag)}`);
  };
  skipSpace();
  if (next() !== `<plist version="1.0">`) throw new Error("no <plist> root");
  const root = value();
  skipSpace();
  if (next() !== "</plist>" || (skipSpace(), at < tokens.length)) throw new Error("content after the root");
  return root;
}

function decode(text: string): string {
  if (text.includes(">")) throw new Error(`unescaped ">" in ${text}`);
  return text.replace(/&([^;]*);|&/g, (match, name?: string) => {
    if (name === undefined) throw new Error(`bare "&" in ${text}`);
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.startsWith("#x") ? `0x${name.slice(2)}` : name.slice(1)));
    const char = ENTITIES[name];
    if (char === undefined) throw new Error(`unknown entity ${match}`);
    return char;
  });
}
