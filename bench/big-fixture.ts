/**
 * The large fixture: built once with `git fast-import` into a cache folder keyed by its
 * sizes, then copied (hard links, as `git clone` of a local path does) into a bare remote
 * and a clone for each bench run, so the 100k-commit history is not rebuilt every time.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createGit } from "../src/git/runner.ts";
import { checkShape, fixtureStream, type FixtureShape } from "./fixture-stream.ts";
import type { BenchRepo } from "./fixture.ts";

/** Bump when the stream changes: the cache folder name carries it. */
const FORMAT = "v1";

/** Tip shas of the sizes the docs quote; a different tip means the generator changed. */
export const KNOWN_TIPS: Readonly<Record<string, string>> = {
  "50000x100000": "35160f2c921a75c9a33f7e4b8343a35e50a09ca5",
  "2000x1000": "efd575c6eaeca94f20015b4e91869b176178a0c8",
};

export interface Fixture extends FixtureShape {
  /** The cached bare repository every instance is cloned from. */
  seed: string;
  tip: string;
  /** False when this run found it in the cache. */
  built: boolean;
  /** How long building it took (fast-import and the commit-graph). */
  buildMs: number;
}

export interface FixtureRepo extends BenchRepo {
  fixture: Fixture;
  /** How long the bare remote and the clone (with its checkout) took for this run. */
  copyMs: number;
}

/** Where fixtures are cached: $XDG_CACHE_HOME/git-codex-bench, or ~/.cache/git-codex-bench. */
export function benchCacheDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "git-codex-bench");
}

const fixtureKey = (shape: FixtureShape): string => `${shape.files}x${shape.commits}`;

function toolEnv(home: string): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
}

/** The cached fixture of this shape, built now when missing (or when `fresh`). */
export async function ensureFixture(shape: FixtureShape, options: { cacheDir: string; fresh?: boolean }): Promise<Fixture> {
  checkShape(shape);
  const dir = join(options.cacheDir, `fixture-${FORMAT}-${shape.files}f-${shape.commits}c`);
  if (options.fresh) await rm(dir, { recursive: true, force: true });
  const cached = await readCached(dir, shape);
  if (cached) return cached;
  await mkdir(options.cacheDir, { recursive: true });
  const building = await mkdtemp(`${dir}.building-`);
  try {
    const started = performance.now();
    const tip = await build(join(building, "seed.git"), shape, building);
    const buildMs = performance.now() - started;
    await writeFile(join(building, "fixture.json"), JSON.stringify({ ...shape, tip, buildMs }, null, 2) + "\n");
    // Another bench may have finished the same fixture meanwhile; the first one stays.
    await rename(building, dir).catch(() => undefined);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  const made = await readCached(dir, shape);
  if (!made) throw new Error(`the fixture in ${dir} could not be read back after building it`);
  return { ...made, built: true };
}

async function readCached(dir: string, shape: FixtureShape): Promise<Fixture | undefined> {
  const text = await readFile(join(dir, "fixture.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const meta = JSON.parse(text) as { tip: string; buildMs: number };
  const seed = join(dir, "seed.git");
  const tip = (await createGit({ cwd: seed, env: toolEnv(dir) }).run(["rev-parse", "refs/heads/main"])).trim();
  if (tip !== meta.tip) throw new Error(`the cached fixture ${dir} has tip ${tip}, not ${meta.tip}; remove it or run with --fresh-fixture`);
  assertKnownTip(shape, tip);
  return { ...shape, seed, tip, built: false, buildMs: meta.buildMs };
}

/** Fails when a size the docs quote no longer gives the tip recorded for it. */
export function assertKnownTip(shape: FixtureShape, tip: string): void {
  const known = KNOWN_TIPS[fixtureKey(shape)];
  if (known !== undefined && known !== tip) throw new Error(`fixture ${fixtureKey(shape)} has tip ${tip}, expected ${known}: the generator changed (bump FORMAT and KNOWN_TIPS)`);
}

async function build(seed: string, shape: FixtureShape, home: string): Promise<string> {
  const git = createGit({ cwd: home, env: toolEnv(home) });
  await git.run(["init", "-q", "--bare", "--initial-branch=main", seed]);
  const stream = Buffer.from([...fixtureStream(shape)].join(""));
  await git.at(seed).run(["fast-import", "--quiet", "--done"], { input: stream });
  // fast-import leaves one pack; add what a maintained repository has (a full gc would
  // take longer than the import and change none of the objects).
  await git.at(seed).run(["commit-graph", "write", "--reachable"]);
  await git.at(seed).run(["pack-refs", "--all"]);
  return (await git.at(seed).run(["rev-parse", "refs/heads/main"])).trim();
}

/** A bare remote and a checked-out clone of the fixture in a new temporary folder. */
export async function fixtureRepo(fixture: Fixture): Promise<FixtureRepo> {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), "git-codex-bench-"));
  const remote = join(root, "remote.git");
  const clone = join(root, "clone");
  const env = { PATH: process.env.PATH, HOME: join(root, "home"), XDG_CACHE_HOME: join(root, "cache"), XDG_STATE_HOME: join(root, "state"), XDG_CONFIG_HOME: join(root, "config"), GIT_CONFIG_NOSYSTEM: "1" };
  await mkdir(env.HOME, { recursive: true });
  const git = createGit({ cwd: root, env });
  await git.run(["clone", "-q", "--bare", fixture.seed, remote]);
  await git.run(["clone", "-q", remote, clone]);
  const inClone = git.at(clone);
  await inClone.run(["config", "user.name", "Bench"]);
  await inClone.run(["config", "user.email", "bench@example.com"]);
  return { root, remote, clone, git: inClone, env, fixture, copyMs: performance.now() - started };
}
