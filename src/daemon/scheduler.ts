import PQueue from "p-queue";

export interface RunningTask {
  repo: string;
  task: string;
  startedAt: string;
}

/**
 * Bounds concurrency overall and per repository. Jobs of one repository start in the order
 * they were submitted (commit order). A task id is never queued twice at once.
 */
export class TaskScheduler {
  private readonly global: PQueue;
  private readonly perRepo = new Map<string, PQueue>();
  private readonly inFlight = new Set<string>();
  private readonly runningTasks = new Map<string, RunningTask>();
  private readonly abort = new AbortController();
  private readonly repoLimit: number;
  private accepting = true;

  constructor(options: { concurrency: number; perRepo: number }) {
    this.global = new PQueue({ concurrency: options.concurrency });
    this.repoLimit = options.perRepo;
  }

  has(repo: string, task: string): boolean {
    return this.inFlight.has(`${repo}\0${task}`);
  }

  /** Queues `job`; it gets a signal that aborts only when shutdown's grace period ends. */
  submit(repo: string, task: string, job: (signal: AbortSignal) => Promise<void>): void {
    const key = `${repo}\0${task}`;
    if (!this.accepting || this.inFlight.has(key)) return;
    this.inFlight.add(key);
    const queue = this.queueOf(repo);
    void queue
      .add(() => this.global.add(async () => {
        if (!this.accepting) return;
        this.runningTasks.set(key, { repo, task, startedAt: new Date().toISOString() });
        try {
          await job(this.abort.signal);
        } finally {
          this.runningTasks.delete(key);
        }
      }))
      .finally(() => this.inFlight.delete(key));
  }

  /** True when a task of `repo` submitted now would start at once: room overall and for the repository. */
  idle(repo: string): boolean {
    const queue = this.perRepo.get(repo);
    const roomFor = (q: PQueue, limit: number): boolean => q.size === 0 && q.pending < limit;
    return this.accepting && roomFor(this.global, this.global.concurrency) && (!queue || roomFor(queue, this.repoLimit));
  }

  snapshot(): { pending: number; running: RunningTask[] } {
    return { pending: this.inFlight.size - this.runningTasks.size, running: [...this.runningTasks.values()] };
  }

  /**
   * Stops taking tasks (queued ones stay queued in git for the next start), lets running
   * ones finish for `graceMs`, then aborts them: they are recorded as interrupted.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.accepting = false;
    for (const queue of [this.global, ...this.perRepo.values()]) queue.clear();
    const idle = Promise.all([this.global.onIdle(), ...[...this.perRepo.values()].map((q) => q.onIdle())]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"grace">((resolve) => (timer = setTimeout(() => resolve("grace"), graceMs)));
    if ((await Promise.race([idle, grace])) === "grace") {
      this.abort.abort();
      await idle;
    }
    clearTimeout(timer);
  }

  private queueOf(repo: string): PQueue {
    let queue = this.perRepo.get(repo);
    if (!queue) {
      queue = new PQueue({ concurrency: this.repoLimit });
      this.perRepo.set(repo, queue);
    }
    return queue;
  }
}
