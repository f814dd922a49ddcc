import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { ServiceContext } from "../../src/service/install.ts";
import { runProcess } from "../../src/util/process.ts";

/** A stream that keeps what is written to it. */
export function captured(): Writable & { text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

export interface FakeWorld extends AsyncDisposable {
  root: string;
  home: string;
  bin: string;
  /** Every call of a fake command, one line each: `name arg arg…`. */
  calls(): Promise<string[]>;
  /** A shell script `name` in `bin` that logs its argv, then runs `body`. */
  fake(name: string, body?: string): Promise<void>;
  context(overrides?: Partial<ServiceContext> & { extraEnv?: Record<string, string> }): ServiceContext & { out: ReturnType<typeof captured> };
}

/** A temporary HOME and a bin folder of fake commands placed first on PATH. */
export async function createFakeWorld(): Promise<FakeWorld> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "git-codex-service-")));
  const home = join(root, "home dir");
  const bin = join(root, "bin");
  const log = join(root, "calls.log");
  await mkdir(home);
  await mkdir(bin);
  return {
    root,
    home,
    bin,
    calls: async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean),
    fake: async (name, body = "exit 0") => {
      const path = join(bin, name);
      await writeFile(path, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\n${body}\n`);
      await chmod(path, 0o755);
    },
    context: ({ extraEnv = {}, ...overrides } = {}) => {
      const env = { HOME: home, PATH: `${bin}:/usr/bin:/bin`, USER: "alice", OPENAI_API_KEY: "sk-secret-test-0123456789", ...extraEnv };
      return {
        platform: "linux",
        home,
        env,
        node: "/opt/node 24/bin/node",
        cli: "/opt/git codex/bin/git-codex.js",
        args: ["watch"],
        run: (file, args) => runProcess(file, args, { cwd: home, env, timeoutMs: 10_000 }),
        ...overrides,
        out: captured(),
      };
    },
    [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }),
  };
}
