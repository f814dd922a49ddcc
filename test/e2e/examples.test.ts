import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { runProcess } from "../../src/util/process.ts";
import { createGitWorld, type GitWorld } from "../helpers/git-world.ts";
import { addFile, startModel, type ScriptedModel } from "../helpers/model.ts";

// The shipped examples, run as written: their shell steps execute against a local bare
// remote with the scripted model, `git codex` being this checkout's CLI on PATH. Only the
// steps that install things (node, bubblewrap, git-codex itself) are left to the machine.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const KEY = "sk-test-examples-key";

let world: GitWorld;
let model: ScriptedModel;

beforeEach(async () => {
  world = await createGitWorld();
  await world.commit({ "README.md": "# app\n" }, "Initial commit");
  model = await startModel({ "alpha job": addFile("alpha.txt", "a"), "beta job": addFile("beta.txt", "b") });
  // Two valid tasks and an invalid one (an empty prompt): the examples must still start the valid ones.
  await world.commit({ ".codex-tasks.yml": "version: 1\ntasks:\n  alpha:\n    prompt: Do the alpha job\n  beta:\n    prompt: Do the beta job\n  broken:\n    prompt: \"\"\n" }, "Add tasks");
});
afterEach(async () => {
  await model.close();
  await world.dispose();
});

/** A folder on PATH with `git-codex` (this checkout's CLI) and any other tools given as scripts. */
async function binDir(name: string, tools: Record<string, string> = {}): Promise<string> {
  const dir = join(world.root, name);
  await mkdir(dir, { recursive: true });
  const all = { "git-codex": `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, "src/cli.ts")}" "$@"\n`, ...tools };
  for (const [tool, text] of Object.entries(all)) {
    await writeFile(join(dir, tool), text);
    await chmod(join(dir, tool), 0o755);
  }
  return `${dir}:${world.env.PATH}`;
}

async function bash(script: string, cwd: string, env: Record<string, string | undefined>) {
  const file = join(world.root, `step-${createHash("sha256").update(script + cwd).digest("hex").slice(0, 8)}.sh`);
  await writeFile(file, script);
  return runProcess("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd, env, timeoutMs: 120_000 });
}

async function states(): Promise<Record<string, string>> {
  const refs = (await world.git.run(["for-each-ref", "--format=%(refname:lstrip=3)", "refs/codex/tasks/"], { cwd: world.remote })).trim().split("\n");
  const result: Record<string, string> = {};
  for (const id of refs) result[id] = (JSON.parse(await world.git.run(["show", `refs/codex/tasks/${id}:status.json`], { cwd: world.remote })) as { state: string }).state;
  return result;
}

interface Step { name?: string; id?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface WorkflowJob { needs?: string; if?: string; outputs?: Record<string, string>; steps: Step[]; strategy?: { matrix: Record<string, string>; "fail-fast"?: boolean } }

/** GitHub's `${{ name }}` substitution for the contexts the workflow may use; any other is an error. */
function evaluate(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in context)) throw new Error(`the workflow uses \${{ ${name} }}, which this test does not know`);
    return context[name] as string;
  });
}

const workflow = parse(await readFile(join(ROOT, "examples/github-actions/git-codex.yml"), "utf8")) as {
  on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, WorkflowJob>;
};

describe("examples/github-actions/git-codex.yml", () => {
  const { enqueue, work } = workflow.jobs as { enqueue: WorkflowJob; work: WorkflowJob };
  const installs = ["Install git-codex", "Install bubblewrap"];

  it("is triggered, permitted and wired as documented, with values passed to scripts only through env", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
    expect(workflow.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(workflow.env.GIT_CODEX_VERSION, "pins this version").toBe(VERSION);
    const enqueueStep = enqueue.steps.find((s) => s.run?.includes("--enqueue-only"));
    expect(enqueue.outputs?.tasks).toBe(`\${{ steps.${enqueueStep?.id}.outputs.tasks }}`);
    expect(work.needs).toBe("enqueue");
    expect(work.strategy?.matrix.task).toBe("${{ fromJSON(needs.enqueue.outputs.tasks) }}");
    expect(work.strategy?.["fail-fast"]).toBe(false);
    expect(work.if).toContain("needs.enqueue.outputs.tasks != '[]'");
    for (const job of [enqueue, work]) {
      expect(job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with).toMatchObject({ "fetch-depth": 0 });
      expect(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with).toMatchObject({ "node-version": 24 });
      for (const step of job.steps) expect(step.run ?? "", `no expression pasted into "${step.name}"`).not.toContain("${{");
    }
    expect(work.steps.find((s) => s.name === "Install bubblewrap")?.run).toMatch(/apt-get install -y -q bubblewrap/);
    const runStep = work.steps.find((s) => s.run?.includes("--task"));
    expect(runStep?.env).toMatchObject({ TASK: "${{ matrix.task }}", OPENAI_API_KEY: "${{ secrets.OPENAI_API_KEY }}", GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
    expect(installs.every((name) => [...enqueue.steps, ...work.steps].some((s) => s.name === name))).toBe(true);
  });

  /** Runs a job's steps as a runner would, after checkout (a fresh clone) and the install steps. */
  async function runJob(job: WorkflowJob, runner: string, context: Record<string, string>) {
    const clone = await world.cloneAgain(runner);
    const output = join(world.root, `${runner}-output`);
    await writeFile(output, "");
    const base = { ...world.env, PATH: await binDir(`${runner}-bin`), XDG_CACHE_HOME: join(world.root, `${runner}-cache`), XDG_STATE_HOME: join(world.root, `${runner}-state`), GITHUB_OUTPUT: output, ...workflow.env };
    let last = { exitCode: 0 as number | null, stderr: "" };
    for (const step of job.steps.filter((s) => s.run && !installs.includes(s.name ?? ""))) {
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), context)]));
      last = await bash(step.run as string, clone, { ...base, ...env });
      if (last.exitCode !== 0) break;
    }
    const outputs = Object.fromEntries((await readFile(output, "utf8")).split("\n").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    return { exitCode: last.exitCode, stderr: last.stderr, outputs };
  }

  it("run as written: the enqueue job lists the valid tasks, the matrix runs each once, a lost claim passes, a bad call fails", async () => {
    const secrets = { "secrets.OPENAI_API_KEY": KEY, "secrets.GITHUB_TOKEN": "", "vars.OPENAI_BASE_URL": model.url, "vars.GIT_CODEX_MODEL": "" };

    const enqueued = await runJob(enqueue, "runner-enqueue", secrets);

    expect(enqueued.exitCode, "an invalid task file fails the enqueue job after listing").toBe(2);
    const tasks = JSON.parse(enqueued.outputs.tasks ?? "") as string[];
    expect(tasks.map((id) => id.split("-")[0])).toEqual(["alpha", "beta"]);
    expect(model.requests).toHaveLength(0);

    const workers = await Promise.all(tasks.map((task, i) => runJob(work, `runner-work-${i}`, { ...secrets, "matrix.task": task })));

    expect(workers.map((w) => w.exitCode), workers.map((w) => w.stderr).join("\n")).toEqual([0, 0]);
    expect([model.requestsFor("alpha job"), model.requestsFor("beta job")]).toEqual([2, 2]);
    expect(Object.values(await states()).sort()).toEqual(["done", "done", "invalid"]);
    const late = await runJob(work, "runner-late", { ...secrets, "matrix.task": tasks[0] as string });
    expect(late.exitCode, "a task already done: exit 3 is nothing to do").toBe(0);
    expect(late.stderr).toMatch(/already done/);
    expect(model.requestsFor("alpha job")).toBe(2);
    const bad = await runJob(work, "runner-bad", { ...secrets, "matrix.task": "" });
    expect(bad.exitCode, "any other code fails the job").toBe(2);
  });
});

const dir = join(ROOT, "examples/kubernetes");
const docs = parseAllDocuments(await readFile(join(dir, "job.yaml"), "utf8")).map((d) => d.toJS() as K8s);
const template = await readFile(join(dir, "worker-job.yaml"), "utf8");

describe("examples/kubernetes", () => {
  const byKind = (kind: string): K8s => docs.find((d) => d.kind === kind) as K8s;
  const cron = byKind("CronJob");
  const enqueuePod = cron.spec.jobTemplate.spec.template.spec;

  it("grants the enqueue job only Jobs, keeps the sandbox in workers, and builds an image with what they need", async () => {
    expect(byKind("RoleBinding").subjects[0].name).toBe(enqueuePod.serviceAccountName);
    expect(byKind("ServiceAccount").metadata.name).toBe(enqueuePod.serviceAccountName);
    expect(byKind("Role").rules).toEqual([{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list"] }]);
    expect(cron.spec.concurrencyPolicy).toBe("Forbid");
    const worker = parse(template.replaceAll("__TASK_ID__", "t-1").replaceAll("__TASK_HASH__", "abc")) as K8s;
    expect(worker.kind).toBe("Job");
    expect(worker.spec.backoffLimit).toBe(0);
    const pod = worker.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: "Never", automountServiceAccountToken: false, hostUsers: false });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, procMount: "Unmasked" });
    expect(JSON.stringify(worker)).not.toMatch(/privileged|GIT_CODEX_SANDBOX/);
    const mount = enqueuePod.containers[0].volumeMounts.find((m: K8s) => m.name === "worker-template");
    expect(enqueuePod.volumes.find((v: K8s) => v.name === "worker-template").configMap.name).toBe("git-codex-worker");
    expect(envOf(enqueuePod.containers[0]).WORKER_TEMPLATE).toBe(`${mount.mountPath}/worker-job.yaml`);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM node:24/m);
    expect(dockerfile).toMatch(/apt-get install [^\n]*git bubblewrap/);
    expect(dockerfile).toContain(`ARG GIT_CODEX_PACKAGE=git-codex@${VERSION}`);
    expect(dockerfile).toContain("COPY in-clone.sh /usr/local/bin/git-codex-in-clone");
    expect(dockerfile).toMatch(/^ENTRYPOINT \["git-codex-in-clone"\]/m);
  });

  /** Runs a container's command as its pod would: fresh /work, the Secret's keys, the ConfigMap mounted. */
  async function runContainer(pod: string, container: K8s, secret: Record<string, string>, tools: Record<string, string>) {
    const root = join(world.root, pod);
    const local = (value: string): string => value.replace(/^\/work(?=\/|$)/, join(root, "work")).replace(/^\/etc\/git-codex(?=\/|$)/, join(root, "config"));
    await mkdir(join(root, "config"), { recursive: true });
    await copyFile(join(dir, "worker-job.yaml"), join(root, "config", "worker-job.yaml"));
    const env = Object.fromEntries(Object.entries(envOf(container)).map(([k, v]) => [k, local(v)]));
    const fromSecret = container.envFrom?.some((e: K8s) => e.secretRef?.name === "git-codex") ? secret : {};
    const [file, ...args] = [...container.command, ...container.args] as string[];
    return runProcess(file as string, args, { cwd: world.root, env: { PATH: await binDir(`${pod}-bin`, tools), GIT_CONFIG_NOSYSTEM: "1", ...fromSecret, ...env }, timeoutMs: 120_000 });
  }

  it("run as written: the CronJob creates one Job per queued task, once; each Job runs its task; a second run of a Job passes", async () => {
    const capture = join(world.root, "kube");
    await mkdir(capture);
    const tools = { "git-codex-in-clone": await readFile(join(dir, "in-clone.sh"), "utf8"), kubectl: fakeKubectl(capture) };
    const secret = { GIT_CODEX_REPO: world.remote, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: model.url, GITHUB_TOKEN: "" };

    const first = await runContainer("enqueue-1", enqueuePod.containers[0], secret, tools);
    expect(first.exitCode, "an invalid task file fails the enqueue Job after creating the others").toBe(2);
    const again = await runContainer("enqueue-2", enqueuePod.containers[0], secret, tools);
    expect(again.exitCode).toBe(2);

    const created = (await readdir(capture)).filter((f) => f.endsWith(".yaml")).sort();
    expect(created, "one Job per task, none again while they are pending").toHaveLength(2);
    expect(model.requests).toHaveLength(0);
    const jobs = await Promise.all(created.map(async (f) => parse(await readFile(join(capture, f), "utf8")) as K8s));
    for (const job of jobs) {
      const id = job.metadata.annotations["git-codex/task-id"] as string;
      expect(job.metadata.labels["git-codex/task"]).toBe(createHash("sha256").update(id).digest("hex").slice(0, 16));
      expect(envOf(job.spec.template.spec.containers[0]).TASK_ID).toBe(id);
    }
    const results = await Promise.all(jobs.map((job, i) => runContainer(`worker-${i}`, job.spec.template.spec.containers[0], secret, tools)));

    expect(results.map((r) => r.exitCode), results.map((r) => r.stderr).join("\n")).toEqual([0, 0]);
    expect([model.requestsFor("alpha job"), model.requestsFor("beta job")]).toEqual([2, 2]);
    expect(Object.values(await states()).sort()).toEqual(["done", "done", "invalid"]);
    const rerun = await runContainer("worker-rerun", jobs[0].spec.template.spec.containers[0], secret, tools);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/already done/);
    expect(model.requests).toHaveLength(4);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects read from YAML, checked by the assertions
type K8s = any;

function envOf(container: K8s): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
}

/**
 * kubectl as far as the enqueue script uses it: `create -f -` keeps the manifest; `get jobs
 * -l git-codex/task=HASH` names the kept Jobs with that label (all still "active": none ran).
 */
function fakeKubectl(capture: string): string {
  return `#!/bin/bash
set -eu
case "$1 \${2:-}" in
  "get jobs")
    selector=""; for a in "$@"; do case "$a" in git-codex/task=*) selector="\${a#git-codex/task=}";; esac; done
    [ -n "$selector" ] || { echo "kubectl get without the task selector: $*" >&2; exit 1; }
    for f in "${capture}"/job-*.yaml; do [ -e "$f" ] && grep -q "git-codex/task: \\"$selector\\"" "$f" && printf '%s ' "$(basename "$f" .yaml)"; done
    exit 0;;
  "create -f")
    [ "$3" = "-" ] || { echo "unexpected: kubectl $*" >&2; exit 1; }
    n=$(find "${capture}" -name 'job-*.yaml' | wc -l)
    cat > "${capture}/job-$n.yaml";;
  *) echo "unexpected: kubectl $*" >&2; exit 1;;
esac
`;
}
