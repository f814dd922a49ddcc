/**
 * The `git fast-import` stream of the large fixture: a pure function of its parameters, so
 * the same sizes give the same objects and the same tip sha on every machine.
 */

export interface FixtureShape {
  /** Files in the tree, in folders of FILES_PER_FOLDER. */
  files: number;
  /** Commits on main: one that adds every file, one per changed file, one that adds the task file. */
  commits: number;
}

export const FILES_PER_FOLDER = 500;
/** How many history commits carry a `Codex:` trailer (older than any `since` window). */
export const HISTORY_TRAILERS = 8;
export const TASK_FILE_TASK = "bench-file-task";
export const TASK_FILE_TEXT = `version: 1
tasks:
  ${TASK_FILE_TASK}:
    prompt: |
      Add bench.txt with one line.
`;

// 2020-01-01T00:00:00Z, one commit a minute: the history is far older than the 24 h window.
const EPOCH = 1_577_836_800;
const PERSON = "Bench Author <author@bench.example>";

export function checkShape(shape: FixtureShape): void {
  if (!Number.isInteger(shape.files) || shape.files < 1) throw new Error(`--files must be a positive whole number, not ${shape.files}`);
  if (!Number.isInteger(shape.commits) || shape.commits < 2) throw new Error(`--commits must be a whole number of at least 2 (the files and the task file), not ${shape.commits}`);
}

export function filePath(i: number): string {
  return `d${Math.floor(i / FILES_PER_FOLDER)}/f${i}.ts`;
}

function fileText(i: number, revision?: number): string {
  const base = `// file ${i}\nexport const value${i} = ${i};\n`;
  return revision === undefined ? base : `${base}// revision ${revision}\n`;
}

/** The file commit `k` (1 ≤ k < commits − 1) changes: spread over the tree by a prime stride. */
export function changedFile(k: number, files: number): number {
  return (k * 7919) % files;
}

/** Whether history commit `k` carries a trailer: HISTORY_TRAILERS of them, evenly spaced (fewer in a tiny history). */
export function hasTrailer(k: number, commits: number): boolean {
  const step = Math.max(1, Math.floor(commits / HISTORY_TRAILERS));
  return k % step === Math.floor(step / 2) && Math.floor(k / step) < HISTORY_TRAILERS;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function commitHeader(k: number, message: string): string {
  const when = `${EPOCH + k * 60} +0000`;
  return `commit refs/heads/main\nauthor ${PERSON} ${when}\ncommitter ${PERSON} ${when}\n${data(message)}`;
}

/** The whole stream, chunk by chunk (a 50k-file, 100k-commit stream is about 30 MB). */
export function* fixtureStream(shape: FixtureShape): Generator<string> {
  checkShape(shape);
  const { files, commits } = shape;
  let chunk = commitHeader(0, `Add ${files} files\n`);
  for (let i = 0; i < files; i++) {
    chunk += `M 100644 inline ${filePath(i)}\n${data(fileText(i))}`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  for (let k = 1; k < commits - 1; k++) {
    const i = changedFile(k, files);
    const trailer = hasTrailer(k, commits) ? `\nCodex: bench history task ${k}\n` : "";
    chunk += commitHeader(k, `Change ${filePath(i)}\n${trailer}`) + `M 100644 inline ${filePath(i)}\n${data(fileText(i, k))}`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  yield chunk + commitHeader(commits - 1, "Add the task file\n") + `M 100644 inline .codex-tasks.yml\n${data(TASK_FILE_TEXT)}` + "done\n";
}
