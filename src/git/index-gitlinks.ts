/**
 * Reads the gitlink (submodule) entries of an index file in process, so that a reset of a
 * 50 000-file worktree need not start `git ls-files --stage` and take in its 4 MB of
 * output to find the few entries, usually none, with mode 160000. The format is git's
 * own (Documentation/gitformat-index.txt): versions 2 to 4, SHA-1 or SHA-256 names.
 * Whatever this reader does not fully understand (a split or sparse index, an unknown
 * version, a length that does not add up) gives undefined, and the caller asks git.
 */

const GITLINK = 0o160000;
const TREE = 0o040000; // a sparse index's folder entry: the gitlinks below it are not listed
const HEADER = 12;
const STAT_BYTES = 40; // ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size
const EXTENDED = 0x4000;
const NAME_MASK = 0xfff;
/** Extensions whose presence means some entries are not in this file. */
const INCOMPLETE = new Set(["link", "sdir"]);

/** The paths of the gitlink entries of `index` (an index file's bytes), or undefined when git must be asked. */
export function indexGitlinks(index: Buffer): string[] | undefined {
  if (index.length < HEADER || index.toString("latin1", 0, 4) !== "DIRC") return undefined;
  const version = uint32(index, 4);
  if (version < 2 || version > 4) return undefined;
  // The hash length is not in the file: it is the one under which every length adds up.
  return readEntries(index, version, 20) ?? readEntries(index, version, 32);
}

// One loop without calls or allocations per entry: it runs once per reset, mostly before
// the JIT has warmed up, where each call per entry of 50 000 costs milliseconds.
function readEntries(index: Buffer, version: number, hashBytes: number): string[] | undefined {
  const count = uint32(index, 8);
  const end = index.length - hashBytes;
  const paths: string[] = [];
  let at = HEADER;
  let previous = Buffer.alloc(0); // version 4 names are the previous one's prefix plus a suffix
  for (let n = 0; n < count; n++) {
    const flagsAt = at + STAT_BYTES + hashBytes;
    if (flagsAt + 2 >= end) return undefined;
    const mode = uint32(index, at + 24);
    const flags = (index[flagsAt]! << 8) | index[flagsAt + 1]!;
    if (mode === TREE || (flags & EXTENDED && version < 3)) return undefined;
    let nameAt = flagsAt + (flags & EXTENDED ? 4 : 2);
    let strip = 0;
    if (version === 4) {
      const varint = readVarint(index, nameAt, end);
      if (!varint || varint.value > previous.length) return undefined;
      strip = varint.value;
      nameAt = varint.next;
    }
    let nul = nameAt;
    while (nul < end && index[nul] !== 0) nul++;
    if (nul >= end) return undefined;
    const length = version === 4 ? previous.length - strip + nul - nameAt : nul - nameAt;
    if (length === 0 || (flags & NAME_MASK) !== Math.min(length, NAME_MASK)) return undefined;
    let next = nul + 1;
    if (version !== 4) {
      // Padded with NULs to a multiple of eight bytes, counted from the entry's start.
      next = at + ((nul - at + 8) & ~7);
      for (let pad = nul + 1; pad < next; pad++) if (pad >= end || index[pad] !== 0) return undefined;
    }
    if (version === 4) previous = Buffer.concat([previous.subarray(0, previous.length - strip), index.subarray(nameAt, nul)]);
    if (mode === GITLINK) paths.push((version === 4 ? previous : index.subarray(nameAt, nul)).toString("utf8"));
    at = next;
  }
  return extensionsEndAt(index, at, end) ? paths : undefined;
}

/** True when the extensions after the entries end exactly where the checksum begins, and none says entries are elsewhere. */
function extensionsEndAt(index: Buffer, at: number, end: number): boolean {
  while (at + 8 <= end) {
    if (INCOMPLETE.has(index.toString("latin1", at, at + 4))) return false;
    at += 8 + uint32(index, at + 4);
  }
  return at === end;
}

/** A big-endian 32-bit number, by hand: `readUInt32BE` costs several times more before the JIT warms up. */
function uint32(bytes: Buffer, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** git's offset varint (varint.c): seven bits a byte, most significant first, each continuation adding one. */
function readVarint(bytes: Buffer, at: number, end: number): { value: number; next: number } | undefined {
  if (at >= end) return undefined;
  let byte = bytes[at++]!;
  let value = byte & 127;
  while (byte & 128) {
    if (at >= end || value > 0xffffff) return undefined;
    byte = bytes[at++]!;
    value = (value + 1) * 128 + (byte & 127);
  }
  return { value, next: at };
}
