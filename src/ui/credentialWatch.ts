/**
 * The second key on credential and guard files. Watches credential files in the workspace
 * and the home folder and the guard and agent control files; a change no approved command
 * explains brings a modal with a masked diff and the environment before and after: `Keep`
 * approves the new content, `Revert` writes the last approved content back byte for byte,
 * `Show diff` opens a masked side-by-side view. A loosening of `.twokey/policy.json` does
 * not apply until a person keeps it. Opening a credential file in the editor is recorded.
 * Production secrets named by the policy's `maskedVariables` are kept out of new terminals
 * (maskedContent.ts) unless a person elevates one terminal for a limited time
 * (terminalElevation.ts).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditEntry, AuditLog, AuditRecord } from '../core/audit';
import {
  ExpectedChanges,
  PolicyGate,
  SnapshotStore,
  classifyWatchedFile,
  decodeText,
  homeCredentialFiles,
  isLoosening,
  labelOf,
  maskedDiff,
  maskedVariableNames,
  pathsInCommand,
  policyWatchSpecs,
  readBytes,
  workspaceSpecs,
  type WatchSpec,
} from '../core/credentials';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import type { Logger } from '../logger';
import { DisposableStore } from '../core/events';
import { KEEP, REVERT, askAboutChange, summary, type ChangeInQuestion } from './fileChangeQuestion';
import { watchFiles } from './fileWatchers';
import { MaskedDiffs, MaskedVariables } from './maskedContent';
import { TestPrompt, createPrompt, type Prompt } from './prompt';
import { TerminalElevation } from './terminalElevation';

export { KEEP, REVERT, SHOW_DIFF } from './fileChangeQuestion';
export { MASKED_SCHEME } from './maskedContent';

/** How long the files an approved command names may change without a second question. */
const EXPECT_MS = 2 * 60_000;
const READ_RECORD_EVERY_MS = 60_000;

export interface CredentialWatchDeps {
  root: string | undefined;
  /** A folder outside the workspace for the approved copies (the extension's global storage). */
  storageDir: string;
  audit: AuditLog | undefined;
  log: Logger;
  ws: WorkspaceEngine;
  /** Reload the policy everywhere (the EnvironmentController's `applyPolicy`). */
  applyPolicy: () => void;
  /** The terminals' environment (the extension's collection, shared with the shell gate). */
  collection: vscode.GlobalEnvironmentVariableCollection;
  home?: string;
  env?: Record<string, string | undefined>;
  prompt?: Prompt;
  /** The policy gate put in place at activation before anything decided (`installPolicyGate`). */
  policyGate?: PolicyGate;
}

/** The approved copies live here under the storage folder. */
export const approvedFilesDir = (storageDir: string): string => path.join(storageDir, 'approved-files');

/**
 * Put the policy gate in front of the workspace engine's policy now, before the broker or
 * anything else decides: a loosened workspace policy, or one seen for the first time that
 * loosens the defaults, does not apply until a person keeps it.
 */
export function installPolicyGate(ws: WorkspaceEngine, storageDir: string): PolicyGate {
  const gate = new PolicyGate(new SnapshotStore(approvedFilesDir(storageDir)));
  ws.setPolicySource((file) => gate.policyText(file));
  ws.reload({});
  return gate;
}

export interface CredentialWatch extends vscode.Disposable {
  expected: ExpectedChanges;
  policyGate: PolicyGate;
  store: SnapshotStore;
  /** `TwoKey: Elevate Terminal…`; its `onDidChange` tells the badge. */
  elevation: TerminalElevation;
  /** The variables kept out of new terminals now. */
  maskedNames(): string[];
  /** `TwoKey: Review File Changes`: ask again about changes left unanswered. */
  review(): Promise<void>;
}

type Pending = ChangeInQuestion;

export function registerCredentialWatch(context: vscode.ExtensionContext, deps: CredentialWatchDeps): CredentialWatch {
  const watch = new CredentialWatchFeature(deps);
  context.subscriptions.push(watch);
  if (TWOKEY_TEST_BUILD && watch.prompt instanceof TestPrompt) {
    // Only in a host started for tests: lets in-host tests answer the questions.
    const testing = watch.testing();
    context.subscriptions.push(vscode.commands.registerCommand('_twokey.testing.credentials', () => testing));
  }
  return watch;
}

class CredentialWatchFeature implements CredentialWatch {
  readonly expected = new ExpectedChanges();
  readonly store: SnapshotStore;
  readonly policyGate: PolicyGate;
  readonly prompt: Prompt;
  readonly elevation: TerminalElevation;
  private readonly disposables = new DisposableStore();
  private readonly diffs: MaskedDiffs;
  private readonly masks: MaskedVariables;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly created = new Set<string>();
  private readonly unapproved = new Map<string, Pending>();
  private readonly lastRead = new Map<string, number>();
  private specs: WatchSpec[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly home: string;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly d: CredentialWatchDeps) {
    this.home = d.home ?? os.homedir();
    this.env = d.env ?? process.env;
    this.prompt = d.prompt ?? createPrompt(this.env);
    this.store = new SnapshotStore(approvedFilesDir(d.storageDir));
    this.policyGate = d.policyGate ?? new PolicyGate(this.store);

    this.diffs = this.disposables.add(new MaskedDiffs());
    this.masks = new MaskedVariables(d.collection, d.log, () => maskedVariableNames(d.ws.policy().policy.maskedVariables ?? [], this.env));
    this.elevation = this.disposables.add(new TerminalElevation({ root: d.root, masks: this.masks, prompt: this.prompt, log: d.log, record: (e) => this.record(e) }));

    this.specs = this.computeSpecs();
    this.baseline();
    // From now on the policy is loaded through the gate: a loosening waits for a person.
    this.disposables.add(this.policyGate.onPending((file) => this.schedule(file, false)));
    d.ws.setPolicySource((file) => this.policyGate.policyText(file));
    d.applyPolicy();
    this.watchFiles();

    this.disposables.add(vscode.workspace.onDidOpenTextDocument((doc) => this.opened(doc)));
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('twokey.policy')) setTimeout(() => this.masks.apply(), 50);
      }),
    );
    if (d.audit) this.disposables.add(d.audit.onDidAppend((r) => this.explainFrom(r)));
    this.masks.apply();
  }

  maskedNames(): string[] {
    return this.masks.names();
  }

  private computeSpecs(): WatchSpec[] {
    const policy = this.d.ws.policy().policy;
    const root = this.d.root;
    return [...(root ? workspaceSpecs(root, policy.watch) : []), ...homeCredentialFiles(this.home, this.env), ...policyWatchSpecs(policy.watch.filter((g) => g.startsWith('~') || path.isAbsolute(g)), this.home, root)];
  }

  // -------------------------------------------------------------------------------------
  // Baseline: what is on disk when TwoKey starts is approved, unless a copy was approved before.

  private baseline(): void {
    const root = this.d.root;
    const candidates = new Set<string>();
    if (root) {
      for (const g of ['.twokey/policy.json', '.cursor/hooks.json', '.claude/settings.json', '.claude/settings.local.json', '.vscode/settings.json']) candidates.add(path.join(root, g));
    }
    for (const s of this.specs) if (!/[*?[{]/.test(s.pattern)) candidates.add(path.join(s.base, s.pattern));
    for (const f of candidates) this.baselineOne(f);
    // Globbed files are found asynchronously (workspace search; small folders in the home).
    void this.findGlobbed().then((files) => {
      for (const f of files) this.baselineOne(f);
    });
  }

  private baselineOne(file: string): void {
    if (this.store.lastApproved(file)) {
      // Changed while the editor was closed: ask now.
      if (this.store.matches(file, readBytes(file)) === false) this.schedule(file, false);
      return;
    }
    try {
      const bytes = readBytes(file);
      const c = classifyWatchedFile(file, this.d.root, this.specs);
      if (bytes && c?.kind === 'guard' && c.guard === 'policy' && isLoosening('policy', undefined, bytes.toString('utf8')).loosening) {
        // A workspace policy seen for the first time that loosens the defaults: the baseline
        // is no policy, and the file on disk is a loosening a person is asked about once.
        this.store.approve(file, undefined);
        this.schedule(file, false);
        return;
      }
      this.store.approve(file, bytes);
    } catch (err) {
      this.d.log.warn(`[credentials] cannot keep a copy of ${labelOf(file, this.d.root, this.home)}: ${String(err)}`);
    }
  }

  private async findGlobbed(): Promise<string[]> {
    const out: string[] = [];
    for (const s of this.specs) {
      if (!/[*?[{]/.test(s.pattern)) continue;
      try {
        const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(s.base), s.pattern), '**/{node_modules,.git}/**', 200);
        for (const u of uris) if (classifyWatchedFile(u.fsPath, this.d.root, this.specs)) out.push(u.fsPath);
      } catch {
        /* a folder that does not exist */
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Watching

  private watchFiles(): void {
    for (const w of watchFiles(this.specs, (u, kind) => this.schedule(u.fsPath, kind === 'create'))) this.disposables.add(w);
  }

  private schedule(file: string, created: boolean): void {
    if (created) this.created.add(file);
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        const wasCreated = this.created.delete(file);
        this.queue = this.queue.then(() => this.check(file, wasCreated)).catch((err) => this.d.log.warn(`[credentials] ${String(err)}`));
      }, 120),
    );
  }

  /** One change: explained, harmless, or asked. Runs one at a time (one modal at a time). */
  private async check(file: string, created: boolean): Promise<void> {
    const c = classifyWatchedFile(file, this.d.root, this.specs);
    if (!c) return;
    const label = labelOf(file, this.d.root, this.home);
    const current = readBytes(file);
    let approved = this.store.lastApproved(file);
    if (!approved) {
      if (!created) {
        // Never seen before (found late): this content is the baseline.
        this.baselineOne(file);
        return;
      }
      approved = { exists: false };
      this.store.approve(file, undefined);
    }
    if (this.store.matches(file, current)) {
      this.unapproved.delete(file);
      if (c.kind === 'guard' && c.guard === 'policy') this.policySettled(file);
      return;
    }
    const before = approved.exists ? approved.content : undefined;

    if (c.kind === 'guard') {
      const verdict = isLoosening(c.guard, decodeText(before), decodeText(current));
      if (!verdict.loosening) {
        this.store.approve(file, current);
        await this.record({ command: `${label} changed`, decision: 'observed', decidedBy: 'policy', risk: 'low', rules: ['guard-config.change'], reason: `${label} changed without loosening TwoKey or the agents' approvals.` });
        if (c.guard === 'policy') this.policySettled(file);
        return;
      }
      await this.ask({ file, label, guard: c.guard }, before, current, verdict.reasons);
      return;
    }

    const why = this.expected.explains(file);
    if (why) {
      this.store.approve(file, current);
      const diff = maskedDiff(file, before, current, { policy: this.d.ws.policy().policy, label });
      await this.record({
        command: `${label} changed`,
        decision: 'allowed',
        decidedBy: 'human',
        risk: 'high',
        rules: ['credentials.file-change'],
        environment: diff.environmentAfter?.environment,
        reason: `Changed by a command a person approved (\`${why.because}\`): ${summary(diff.changedKeys)}.`,
      });
      return;
    }
    await this.ask({ file, label }, before, current, []);
  }

  private async ask(p: Pending, before: Buffer | undefined, current: Buffer | undefined, reasons: string[]): Promise<void> {
    const diff = maskedDiff(p.file, before, current, { policy: this.d.ws.policy().policy, label: p.label, configuration: !!p.guard });
    this.unapproved.set(p.file, p);
    const apply = (answer: typeof KEEP | typeof REVERT) => {
      if (answer === KEEP) this.store.approve(p.file, current);
      else this.store.revert(p.file);
      this.unapproved.delete(p.file);
    };
    await askAboutChange({ prompt: this.prompt, diffs: this.diffs, log: this.d.log, record: (e) => this.record(e), apply }, p, diff, reasons);
    if (p.guard === 'policy') this.policySettled(p.file);
  }

  private policySettled(file: string): void {
    if (this.store.matches(file, readBytes(file))) this.policyGate.settled(file);
    this.d.applyPolicy();
    this.specs = this.computeSpecs();
    this.masks.apply();
  }

  /** `TwoKey: Review File Changes`: ask again about changes left unanswered. */
  async review(): Promise<void> {
    if (!this.unapproved.size) {
      void vscode.window.showInformationMessage('TwoKey: no credential or guard file change is waiting for an answer.');
      return;
    }
    for (const f of [...this.unapproved.keys()]) this.schedule(f, false);
  }

  // -------------------------------------------------------------------------------------
  // Approved commands explain the changes they make.

  private explainFrom(r: AuditRecord): void {
    if (r.decision !== 'allowed' || r.decidedBy !== 'human' || r.source === 'file-watch') return;
    const cwd = r.cwd || this.d.root;
    const paths = new Set(pathsInCommand(r.command, cwd, this.home));
    try {
      const v = this.d.ws.engine.check({ command: r.command, cwd, workspaceRoot: this.d.root, home: this.home, env: {} });
      for (const t of v.targets) for (const p of pathsInCommand(t, cwd, this.home)) paths.add(p);
    } catch {
      /* the words of the command are enough */
    }
    this.expected.expectChange([...paths], EXPECT_MS, r.command, cwd);
  }

  // -------------------------------------------------------------------------------------
  // Reads: an agent hook sees them where the agent has one; elsewhere, the editor's opens.

  private opened(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') return;
    const file = doc.uri.fsPath;
    const c = classifyWatchedFile(file, this.d.root, this.specs);
    if (!c || c.kind !== 'credential') return;
    const now = Date.now();
    if (now - (this.lastRead.get(file) ?? 0) < READ_RECORD_EVERY_MS) return;
    this.lastRead.set(file, now);
    const label = labelOf(file, this.d.root, this.home);
    void this.record({ command: `${label} opened in the editor`, decision: 'observed', decidedBy: 'policy', risk: 'low', rules: ['credentials.read'], reason: `A credential file was opened in the editor: ${label}.` });
  }

  // -------------------------------------------------------------------------------------

  private async record(e: Omit<AuditEntry, 'source'>): Promise<void> {
    if (!this.d.audit) return;
    try {
      await this.d.audit.append({ source: 'file-watch', cwd: this.d.root, ...e });
    } catch (err) {
      this.d.log.warn(`[audit] could not record a file change: ${String(err)}`);
    }
  }

  /** For in-host tests (only in the test build, registered with TWOKEY_TEST_PROMPTS=1). */
  testing() {
    if (!TWOKEY_TEST_BUILD) return undefined;
    return {
      prompt: this.prompt as TestPrompt,
      pending: () => (this.prompt as TestPrompt).pending(),
      answer: (id: number, value: string | undefined) => (this.prompt as TestPrompt).answer(id, value),
      diffs: () => this.diffs.all(),
      maskedNames: () => this.maskedNames(),
      policy: () => this.d.ws.policy().policy,
      snapshotDir: this.store.folder,
      /** Record a person's approval of a command exactly as the decision service does. */
      recordApproval: (command: string, cwd: string) =>
        this.d.audit?.append({ source: 'terminal', command, cwd, decision: 'allowed', decidedBy: 'human', risk: 'high', rules: ['cred.env-file-write'], reason: 'approved in a test' }),
      idle: () => this.queue,
    };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.d.ws.setPolicySource(undefined);
    this.disposables.dispose();
  }
}
