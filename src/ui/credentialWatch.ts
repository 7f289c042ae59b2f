/**
 * The second key on credential and guard files. Watches credential files in the workspace
 * and the home folder and the guard and agent control files; a change no approved command
 * explains brings a modal with a masked diff and the environment before and after: `Keep`
 * approves the new content, `Revert` writes the last approved content back byte for byte,
 * `Show diff` opens a masked side-by-side view. A loosening of `.twokey/policy.json` does
 * not apply until a person keeps it. Opening a credential file in the editor is recorded.
 * Production secrets named by the policy's `maskedVariables` are kept out of new terminals
 * unless a person elevates one terminal for a limited time.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditEntry, AuditLog, AuditRecord } from '../core/audit';
import {
  ExpectedChanges,
  PolicyGate,
  SnapshotStore,
  classifyPath,
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
  type GuardKind,
  type WatchSpec,
} from '../core/credentials';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import type { Logger } from '../logger';
import { TestPrompt, createPrompt, type Prompt } from './prompt';

export const KEEP = 'Keep';
export const REVERT = 'Revert';
export const SHOW_DIFF = 'Show diff';
export const MASKED_SCHEME = 'twokey-masked';

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
  /** A note for the badge while a terminal is elevated (undefined clears it). */
  onElevation?: (note: string | undefined) => void;
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
  /** The variables kept out of new terminals now. */
  maskedNames(): string[];
}

interface Pending {
  file: string;
  label: string;
  guard?: GuardKind;
}

export function registerCredentialWatch(context: vscode.ExtensionContext, deps: CredentialWatchDeps): CredentialWatch {
  const watch = new CredentialWatchFeature(deps);
  context.subscriptions.push(watch);
  context.subscriptions.push(
    vscode.commands.registerCommand('twokey.elevateTerminal', () => watch.elevate()),
    vscode.commands.registerCommand('twokey.reviewFileChanges', () => watch.review()),
  );
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
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly created = new Set<string>();
  private readonly unapproved = new Map<string, Pending>();
  private readonly lastRead = new Map<string, number>();
  private readonly documents = new Map<string, string>();
  private readonly diffs: Array<{ left: string; right: string; title: string }> = [];
  private specs: WatchSpec[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private masked: string[] = [];
  private elevated: { terminal: vscode.Terminal; timer: NodeJS.Timeout; until: number } | undefined;
  private docSeq = 0;
  private readonly home: string;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly d: CredentialWatchDeps) {
    this.home = d.home ?? os.homedir();
    this.env = d.env ?? process.env;
    this.prompt = d.prompt ?? createPrompt(this.env);
    this.store = new SnapshotStore(approvedFilesDir(d.storageDir));
    this.policyGate = d.policyGate ?? new PolicyGate(this.store);

    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(MASKED_SCHEME, {
        provideTextDocumentContent: (uri) => this.documents.get(uri.query) ?? '',
      }),
    );

    this.specs = this.computeSpecs();
    this.baseline();
    // From now on the policy is loaded through the gate: a loosening waits for a person.
    this.policyGate.onPending((file) => this.schedule(file, false));
    d.ws.setPolicySource((file) => this.policyGate.policyText(file));
    d.applyPolicy();
    this.watchFiles();

    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.opened(doc)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('twokey.policy')) setTimeout(() => this.applyMasks(), 50);
      }),
    );
    if (d.audit) this.disposables.push(d.audit.onDidAppend((r) => this.explainFrom(r)));
    this.applyMasks();
  }

  maskedNames(): string[] {
    return [...this.masked];
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
      const c = classifyPath(file, this.d.root, this.specs);
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
        for (const u of uris) if (classifyPath(u.fsPath, this.d.root, this.specs)) out.push(u.fsPath);
      } catch {
        /* a folder that does not exist */
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Watching

  private watchFiles(): void {
    const seen = new Set<string>();
    for (const s of this.specs) {
      const key = s.base + '\0' + s.pattern;
      if (seen.has(key)) continue;
      seen.add(key);
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(s.base), s.pattern));
      w.onDidCreate((u) => this.schedule(u.fsPath, true));
      w.onDidChange((u) => this.schedule(u.fsPath, false));
      w.onDidDelete((u) => this.schedule(u.fsPath, false));
      this.disposables.push(w);
    }
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
    const c = classifyPath(file, this.d.root, this.specs);
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
    const policy = this.d.ws.policy().policy;
    const diff = maskedDiff(p.file, before, current, { policy, label: p.label, configuration: !!p.guard });
    this.unapproved.set(p.file, p);
    const envLine =
      diff.environmentBefore && diff.environmentAfter && diff.environmentBefore.environment !== diff.environmentAfter.environment
        ? ` It now points at ${diff.environmentAfter.environment} (was ${diff.environmentBefore.environment}).`
        : '';
    const message = p.guard
      ? `TwoKey: ${p.label} was changed in a way that loosens the guard; it does not take effect until you keep it.`
      : `TwoKey: ${p.label} was changed on disk by something no approved command explains.${envLine}`;
    const detail = [
      ...(reasons.length ? ['Why this loosens the guard:', ...reasons.map((r) => `  • ${r}`), ''] : []),
      ...clip(diff.text.split('\n'), 40),
      '',
      `Keep approves the new content. Revert writes back the last approved content, byte for byte.`,
    ].join('\n');
    this.d.log.info(`[credentials] ${p.label} changed; asking (${diff.changedKeys.length} key(s): ${summary(diff.changedKeys)})`);
    let answer: string | undefined;
    for (;;) {
      try {
        answer = await this.prompt.modal(message, detail, [KEEP, REVERT, SHOW_DIFF]);
      } catch (err) {
        this.d.log.warn(`[credentials] could not ask about ${p.label}: ${String(err)}`);
        answer = undefined;
      }
      if (answer !== SHOW_DIFF) break;
      await this.showDiff(p.label, diff.left, diff.right);
    }
    const rules = [p.guard ? 'guard-config.loosening' : 'credentials.file-change'];
    const environment = diff.environmentAfter?.environment;
    const what = p.guard ? reasons.join('; ') : summary(diff.changedKeys);
    if (answer === KEEP) {
      this.store.approve(p.file, current);
      this.unapproved.delete(p.file);
      await this.record({ command: `${p.label} changed`, decision: 'allowed', decidedBy: 'human', risk: 'high', rules, environment, reason: `Kept by a person: ${what}.` });
    } else if (answer === REVERT) {
      this.store.revert(p.file);
      this.unapproved.delete(p.file);
      await this.record({ command: `${p.label} changed`, decision: 'denied', decidedBy: 'human', risk: 'high', rules, environment, reason: `Reverted by a person to the last approved content: ${what}.` });
      void vscode.window.showInformationMessage(`TwoKey: ${p.label} was restored to its last approved content.`);
    } else {
      await this.record({
        command: `${p.label} changed`,
        decision: 'observed',
        decidedBy: 'human',
        risk: 'high',
        rules,
        environment,
        reason: `The prompt was closed without an answer; the change stays unapproved${p.guard === 'policy' ? ' and TwoKey keeps the last approved policy' : ''} (TwoKey: Review File Changes asks again): ${what}.`,
      });
    }
    if (p.guard === 'policy') this.policySettled(p.file);
  }

  private policySettled(file: string): void {
    if (this.store.matches(file, readBytes(file))) this.policyGate.settled(file);
    this.d.applyPolicy();
    this.specs = this.computeSpecs();
    this.applyMasks();
  }

  private async showDiff(label: string, left: string, right: string): Promise<void> {
    const id = ++this.docSeq;
    this.documents.set(`${id}-before`, left);
    this.documents.set(`${id}-after`, right);
    const name = label.replace(/[^\w.-]+/g, '_');
    const l = vscode.Uri.from({ scheme: MASKED_SCHEME, path: `/${name}`, query: `${id}-before` });
    const r = vscode.Uri.from({ scheme: MASKED_SCHEME, path: `/${name}`, query: `${id}-after` });
    const title = `${label}: last approved ↔ on disk (masked)`;
    this.diffs.push({ left, right, title });
    await vscode.commands.executeCommand('vscode.diff', l, r, title, { preview: true });
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
    const c = classifyPath(file, this.d.root, this.specs);
    if (!c || c.kind !== 'credential') return;
    const now = Date.now();
    if (now - (this.lastRead.get(file) ?? 0) < READ_RECORD_EVERY_MS) return;
    this.lastRead.set(file, now);
    const label = labelOf(file, this.d.root, this.home);
    void this.record({ command: `${label} opened in the editor`, decision: 'observed', decidedBy: 'policy', risk: 'low', rules: ['credentials.read'], reason: `A credential file was opened in the editor: ${label}.` });
  }

  // -------------------------------------------------------------------------------------
  // Least privilege for terminals.

  /** Keep the policy's masked variables out of new terminals (an empty value; see the note). */
  applyMasks(): void {
    const names = maskedVariableNames(this.d.ws.policy().policy.maskedVariables ?? [], this.env);
    const c = this.d.collection;
    for (const n of this.masked) if (!names.includes(n)) c.delete(n);
    for (const n of names) c.replace(n, '');
    if (names.length) c.replace('TWOKEY_MASKED_VARS', names.join(' '));
    else c.delete('TWOKEY_MASKED_VARS');
    if (names.join() !== this.masked.join()) this.d.log.info(`[credentials] kept out of new terminals: ${names.join(', ') || 'nothing'}`);
    this.masked = names;
  }

  /** `TwoKey: Elevate Terminal…`: one new terminal with the masked variables, for a time box. */
  async elevate(): Promise<void> {
    if (!this.masked.length) {
      void vscode.window.showInformationMessage('TwoKey: no variable is kept out of terminals (the policy\'s "maskedVariables" is empty), so there is nothing to elevate.');
      return;
    }
    const boxes: Record<string, number> = { '5 minutes': 5 * 60_000, '15 minutes': 15 * 60_000, '1 hour': 60 * 60_000 };
    const choice = await this.prompt.pick('TwoKey: elevate a terminal for', Object.keys(boxes), `Gives one new terminal ${this.masked.join(', ')}; it closes when the time is up.`);
    if (!choice || !boxes[choice]) return;
    const typed = await this.prompt.input('TwoKey: typed confirmation', `Type "elevate" to open a terminal with ${this.masked.join(', ')} for ${choice}.`, 'elevate');
    const by = os.userInfo().username;
    if (typed?.trim() !== 'elevate') {
      await this.record({ command: 'TwoKey: Elevate Terminal', decision: 'denied', decidedBy: 'human', risk: 'high', rules: ['credentials.elevate'], reason: 'The typed confirmation did not match; no terminal was elevated.' });
      return;
    }
    this.endElevation('replaced by a new elevation');
    const until = Date.now() + boxes[choice];
    const hhmm = new Date(until).toTimeString().slice(0, 5);
    const names = [...this.masked];
    // The collection applies to every terminal created after it changes: lift the masks for
    // this one terminal's creation only, and put them back once its process has started.
    for (const n of names) this.d.collection.delete(n);
    this.d.collection.delete('TWOKEY_MASKED_VARS');
    let terminal: vscode.Terminal;
    try {
      terminal = vscode.window.createTerminal({ name: `TwoKey elevated (until ${hhmm})`, cwd: this.d.root });
      await Promise.race([terminal.processId, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      this.applyMasks();
    }
    terminal.show();
    const timer = setTimeout(() => this.endElevation('time is up'), boxes[choice]);
    this.elevated = { terminal, timer, until };
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (this.elevated?.terminal === t) this.endElevation('the terminal was closed');
      }),
    );
    this.d.onElevation?.(`elevated terminal until ${hhmm}: ${names.join(', ')}`);
    this.d.log.warn(`[credentials] terminal elevated by ${by} until ${new Date(until).toISOString()} with ${names.join(', ')}`);
    await this.record({ command: `TwoKey: Elevate Terminal (${choice})`, decision: 'allowed', decidedBy: 'human', risk: 'high', rules: ['credentials.elevate'], reason: `A terminal was given ${names.join(', ')} by ${by} until ${new Date(until).toISOString()}.` });
  }

  private endElevation(why: string): void {
    const e = this.elevated;
    if (!e) return;
    this.elevated = undefined;
    clearTimeout(e.timer);
    e.terminal.dispose();
    this.d.onElevation?.(undefined);
    void this.record({ command: 'TwoKey: Elevate Terminal ended', decision: 'observed', decidedBy: 'policy', risk: 'low', rules: ['credentials.elevate'], reason: `The elevated terminal was closed: ${why}.` });
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
      diffs: () => [...this.diffs],
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
    if (this.elevated) clearTimeout(this.elevated.timer);
    this.d.ws.setPolicySource(undefined);
    for (const x of this.disposables) x.dispose();
  }
}

function summary(keys: string[]): string {
  if (!keys.length) return 'no key changed';
  return keys.length > 6 ? `${keys.slice(0, 6).join(', ')} and ${keys.length - 6} more` : keys.join(', ');
}

function clip(lines: string[], max: number): string[] {
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more line(s): use Show diff`] : lines;
}
