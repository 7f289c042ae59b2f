/**
 * Classification off the extension host's thread: a worker thread holding its own workspace
 * engine (the same policy, environment resolver and parser), answering `check` requests by
 * message. A burst of gate or hook requests then costs the host only the messages, not the
 * parsing and rule matching (test/bench/broker-burst.bench.ts measures the host's event-loop delay
 * during a burst of 1,000 requests, in the thread and in the worker).
 * `OffThreadCheck` is what the broker uses: the worker while it lives, the host's own engine
 * for a request the worker could not answer (it died, failed or took too long), and a new
 * worker after a failure, a few times at most.
 * No `vscode` import: the worker script is this module (or its bundle, dist/classify-worker.js).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CheckRequest, Verdict } from '../core/types';
import type { PolicyInput } from '../core/policy/types';
import type { LoadedPolicy } from '../core/policy';
import type { GateRequest } from './protocol';

export interface ClassifyWorkerOptions {
  workspaceRoot?: string;
  trusted: boolean;
  homeDir: string;
  wasmDir?: string;
  hostEnv?: Record<string, string | undefined>;
  /** The user's policy layer (the editor's settings). */
  user?: PolicyInput;
}

/**
 * What the worker judges with: the policy the host has in force, as the host loaded it (its
 * layers, its trust, and a loosening of `.twokey/policy.json` that a person has not accepted
 * kept out). The worker never reads the policy file itself.
 */
export interface PolicyState {
  loaded: LoadedPolicy;
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

  /** Set once the worker died or failed to start: every later `check` is refused with it. */
  get failure(): Error | undefined {
    return this.failed;
  }

  check(req: CheckRequest): Promise<Verdict> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise<Verdict>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, req });
    });
  }

  /** The host's policy changed (the file, the user layer or the trust): the worker takes it. */
  reload(state: PolicyState): void {
    this.worker.postMessage({ reload: state });
  }

  dispose(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface OffThreadOptions {
  /** The worker script (dist/extension.js or out/…/classifyWorker.js). */
  script: string;
  worker: ClassifyWorkerOptions;
  /** The policy the host has in force now (later ones come through `reload`). */
  policy?: LoadedPolicy;
  /** The host's own engine: answers whatever the worker cannot. */
  fallback: (req: CheckRequest) => Verdict;
  /** A request the worker has not answered by then is checked by the fallback (ms). Default 5 s. */
  timeoutMs?: number;
  /** New workers after failures, at most. Default 3. */
  restarts?: number;
  log?: { warn(msg: string): void };
  /** Makes a worker (tests give a failing one). */
  spawn?: (script: string, opts: ClassifyWorkerOptions) => Pick<ClassifyWorker, 'check' | 'reload' | 'dispose' | 'failure'>;
}

/**
 * Classification off the host's thread with a safe way back: a request the worker does not
 * answer (it died, threw, or took longer than `timeoutMs`) is checked by the host's own
 * engine, so a dead worker costs time, never a verdict.
 */
export class OffThreadCheck {
  private worker: Pick<ClassifyWorker, 'check' | 'reload' | 'dispose' | 'failure'> | undefined;
  private restartsLeft: number;
  private state: PolicyState | undefined;
  /** Requests answered by the host's engine because the worker could not. */
  fallbacks = 0;

  constructor(private readonly o: OffThreadOptions) {
    this.restartsLeft = o.restarts ?? 3;
    this.state = o.policy ? { loaded: o.policy } : undefined;
    this.worker = this.start();
  }

  private start(): OffThreadCheck['worker'] {
    try {
      const w = (this.o.spawn ?? ((s, w) => new ClassifyWorker(s, w)))(this.o.script, this.o.worker);
      // Before any request: messages are handled in order, so no request sees the worker's own read of the disk.
      if (this.state) w.reload(this.state);
      return w;
    } catch (e) {
      this.o.log?.warn(`[classify] the classifier worker could not start (${e instanceof Error ? e.message : String(e)}); checking on the editor's thread`);
      return undefined;
    }
  }

  /** The live worker: a failed one is logged, ended and replaced while restarts are left. */
  private live(): OffThreadCheck['worker'] {
    const w = this.worker;
    if (!w?.failure) return w;
    this.o.log?.warn(`[classify] ${w.failure.message}; checking on the editor's thread${this.restartsLeft > 0 ? ' and starting a new worker' : ''}`);
    this.worker = undefined;
    void w.dispose().catch(() => 0);
    if (this.restartsLeft-- > 0) this.worker = this.start();
    return undefined;
  }

  async check(req: CheckRequest): Promise<Verdict> {
    const w = this.live();
    if (w) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          w.check(req),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('the classifier worker did not answer in time')), this.o.timeoutMs ?? 5000);
          }),
        ]);
      } catch (e) {
        if (!w.failure) this.o.log?.warn(`[classify] ${e instanceof Error ? e.message : String(e)}; checked on the editor's thread`);
        else this.live();
      } finally {
        clearTimeout(timer);
      }
    }
    this.fallbacks++;
    return this.o.fallback(req);
  }

  /** The policy file, the user layer or the trust changed: the worker takes the host's. */
  reload(state: PolicyState): void {
    this.state = state;
    this.worker?.reload(state);
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.restartsLeft = 0;
    await w?.dispose();
  }
}

/**
 * The broker's `preclassify` for a window: its shell lines (gates' and agents' hooks') go to
 * the worker with the fields the host's own check would get.
 */
export function brokerPreclassify(off: Pick<OffThreadCheck, 'check'>, workspaceRoot: () => string | undefined, home: string): (req: GateRequest) => Promise<Verdict> {
  return (req) => off.check({ command: req.command, cwd: req.cwd, env: req.env, source: req.source, workspaceRoot: workspaceRoot(), home });
}

// The worker's side.
if (!isMainThread && parentPort && (workerData as { twokeyClassify?: ClassifyWorkerOptions } | undefined)?.twokeyClassify) {
  const opts = (workerData as { twokeyClassify: ClassifyWorkerOptions }).twokeyClassify;
  const port = parentPort;
  void (async () => {
    const { createWorkspaceEngine } = await import('../core/workspaceEngine');
    const ws = await createWorkspaceEngine({ workspaceRoot: opts.workspaceRoot, trusted: opts.trusted, user: opts.user, homeDir: opts.homeDir, wasmDir: opts.wasmDir, hostEnv: opts.hostEnv });
    port.on('message', (m: { id?: number; req?: CheckRequest; reload?: PolicyState }) => {
      if (m.reload) {
        ws.adopt(m.reload.loaded);
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
