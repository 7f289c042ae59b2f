/**
 * Classification off the extension host's thread: a worker thread holding its own workspace
 * engine (the same policy, environment resolver and parser), answering `check` requests by
 * message. A burst of gate or hook requests then costs the host only the messages, not the
 * parsing and rule matching (test/bench/hook.bench.ts measures the host's event-loop delay
 * during a burst of 1,000 requests, in the thread and in the worker).
 * No `vscode` import: the worker script is this module (or its bundle, dist/classify-worker.js).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CheckRequest, Verdict } from '../core/types';

export interface ClassifyWorkerOptions {
  workspaceRoot?: string;
  trusted: boolean;
  homeDir: string;
  wasmDir?: string;
  hostEnv?: Record<string, string | undefined>;
}

interface Job {
  resolve: (v: Verdict) => void;
  reject: (e: Error) => void;
}

type Reply = { id: number; verdict?: Verdict; error?: string };

/** The host's side: `check` posts the request and resolves with the worker's verdict. */
export class ClassifyWorker {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  private next = 1;
  private failed: Error | undefined;

  constructor(script: string, opts: ClassifyWorkerOptions) {
    this.worker = new Worker(script, { workerData: { twokeyClassify: opts } });
    this.worker.on('message', (m: Reply) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.jobs.delete(m.id);
      if (m.verdict) job.resolve(m.verdict);
      else job.reject(new Error(m.error ?? 'the classifier worker failed'));
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const j of this.jobs.values()) j.reject(e);
      this.jobs.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the classifier worker exited (${code})`)));
  }

  check(req: CheckRequest): Promise<Verdict> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise<Verdict>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, req });
    });
  }

  /** Re-read the policy in the worker (after the policy file or the trust changed). */
  reload(trusted: boolean): void {
    this.worker.postMessage({ reload: { trusted } });
  }

  dispose(): Promise<number> {
    return this.worker.terminate();
  }
}

// The worker's side.
if (!isMainThread && parentPort && (workerData as { twokeyClassify?: ClassifyWorkerOptions } | undefined)?.twokeyClassify) {
  const opts = (workerData as { twokeyClassify: ClassifyWorkerOptions }).twokeyClassify;
  const port = parentPort;
  void (async () => {
    const { createWorkspaceEngine } = await import('../core/workspaceEngine');
    const ws = await createWorkspaceEngine({ workspaceRoot: opts.workspaceRoot, trusted: opts.trusted, homeDir: opts.homeDir, wasmDir: opts.wasmDir, hostEnv: opts.hostEnv });
    port.on('message', (m: { id?: number; req?: CheckRequest; reload?: { trusted: boolean } }) => {
      if (m.reload) {
        ws.reload({ trusted: m.reload.trusted });
        return;
      }
      if (m.id === undefined || !m.req) return;
      try {
        port.postMessage({ id: m.id, verdict: ws.engine.check(m.req) } satisfies Reply);
      } catch (e) {
        port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies Reply);
      }
    });
    port.postMessage({ id: 0 });
  })();
}
