/**
 * `TwoKey: Show Audit Log`: a webview panel titled "TwoKey Audit Log" that reads like a table,
 * newest first, with filters, text search and a detail pane.
 *
 * The records stay in the extension host (AuditViewModel, loaded newest first in batches
 * that yield to the event loop); the webview (src/webview/auditView, bundled into
 * dist/audit-view.js) asks for the window of
 * rows it is about to show and renders only those, so 100,000 records open at once.
 * New records arrive live: from this window through `AuditLog.onDidAppend`, from other
 * windows and processes through a watch on the log folder, or by `notifyAppended()`.
 *
 * Usage: `AuditView.show(context, log)` opens (or reveals) the one panel for that log.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { auditViewHtml, DailyCounts } from './auditViewHtml';
import { AuditViewModel, exportToFile, type AuditLog, type AuditRecord } from '../core/audit';
import type { FromView, ToView } from '../webview/auditView/protocol';
import { auditViewText } from '../webview/auditView/text';

const BATCH = 1000;

export class AuditView implements vscode.Disposable {
  static readonly viewType = 'twokey.auditLog';
  private static current: AuditView | undefined;

  private readonly model = new AuditViewModel();
  private readonly daily = new DailyCounts();
  private readonly disposables: vscode.Disposable[] = [];
  private loading = true;
  private disposed = false;
  private pullQueued = false;
  private statusTimer: NodeJS.Timeout | undefined;

  /** Open the audit view for `log`, or reveal it when it is open already. */
  static show(context: vscode.ExtensionContext, log: AuditLog): AuditView {
    const open = AuditView.current;
    if (open && open.log === log && !open.disposed) {
      open.panel.reveal();
      return open;
    }
    open?.dispose();
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(AuditView.viewType, vscode.l10n.t('TwoKey Audit Log'), vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [media, dist],
    });
    const view = new AuditView(panel, media, dist, log);
    AuditView.current = view;
    context.subscriptions.push(view);
    return view;
  }

  /** The open view, if any (for tests and for the command that records decisions). */
  static get instance(): AuditView | undefined {
    return AuditView.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly dist: vscode.Uri,
    private readonly log: AuditLog,
  ) {
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromView) => this.onMessage(m)),
      log.onDidAppend(() => this.notifyAppended()),
    );
    try {
      this.disposables.push(log.watch(() => this.notifyAppended()));
    } catch {
      /* no folder watch (e.g. the folder cannot be created): same-window records still arrive */
    }
    void this.load();
  }

  /** Pick up records appended since the view last looked (cheap; coalesced). */
  notifyAppended(): void {
    if (this.loading || this.pullQueued || this.disposed) return;
    this.pullQueued = true;
    setTimeout(() => {
      this.pullQueued = false;
      if (this.disposed) return;
      let fresh: AuditRecord[];
      try {
        fresh = this.log.readSince(this.model.maxSeq);
      } catch {
        return;
      }
      if (fresh.length) {
        this.model.addNewer(fresh);
        this.daily.add(fresh);
        this.postChart();
        this.post({ type: 'appended', count: fresh.length, loaded: this.model.size });
      }
    }, 30);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (AuditView.current === this) AuditView.current = undefined;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** Read the whole log newest first in batches, telling the webview as rows become available. */
  private async load(): Promise<void> {
    const it = this.log.read();
    let batch: AuditRecord[] = [];
    let first = true;
    try {
      for (const r of it) {
        if (this.disposed) return;
        batch.push(r);
        if (batch.length >= (first ? 500 : BATCH)) {
          this.model.addOlder(batch);
          this.daily.add(batch);
          batch = [];
          first = false;
          this.status();
          await new Promise((res) => setImmediate(res));
        }
      }
      this.model.addOlder(batch);
      this.daily.add(batch);
    } catch (err) {
      void vscode.window.showWarningMessage(vscode.l10n.t('TwoKey: could not read the audit log: {0}', err instanceof Error ? err.message : String(err)));
    } finally {
      this.loading = false;
      this.status(true);
      this.notifyAppended();
    }
  }

  /** Loading progress, at most every 100 ms (or now, when `now`). */
  private status(now = false): void {
    const send = () => {
      this.statusTimer = undefined;
      this.post({ type: 'status', loaded: this.model.size, loading: this.loading });
      this.postChart();
    };
    if (now) {
      if (this.statusTimer) clearTimeout(this.statusTimer);
      send();
    } else if (!this.statusTimer) {
      this.statusTimer = setTimeout(send, 100);
    }
  }

  private postChart(): void {
    this.post({ type: 'chart', days: this.daily.latest() });
  }

  private post(msg: ToView): void {
    if (!this.disposed) void this.panel.webview.postMessage(msg);
  }

  private async onMessage(m: FromView): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.post({ type: 'status', loaded: this.model.size, loading: this.loading });
        this.postChart();
        return;
      case 'query': {
        const page = this.model.query(m.filters ?? {}, Math.max(0, m.start | 0), Math.min(1000, Math.max(0, m.count | 0)));
        this.post({ type: 'rows', gen: m.gen, loading: this.loading, ...page });
        return;
      }
      case 'detail':
        this.post({ type: 'detail', record: this.model.find(String(m.id)) ?? null });
        return;
      case 'verify': {
        const r = await this.log.verifyAndRecord();
        this.post({ type: 'verified', ok: r.ok, records: r.records, firstBroken: r.firstBroken ?? null });
        if (!r.ok && r.firstBroken) {
          const b = r.firstBroken;
          void vscode.window.showWarningMessage(vscode.l10n.t('TwoKey: the audit log is broken at {0} line {1}: {2}', b.file, b.line, b.reason));
        }
        return;
      }
      case 'export':
        await this.export(m.format === 'json' ? 'json' : 'csv');
        return;
    }
  }

  private async export(format: 'csv' | 'json'): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export TwoKey Audit Log'),
      defaultUri: vscode.Uri.joinPath(vscode.Uri.file(this.log.dir), '..', `twokey-audit.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return;
    const n = exportToFile(this.log.dir, format, target.fsPath);
    this.post({ type: 'exported', file: target.fsPath, count: n });
    void vscode.window.showInformationMessage(
      n === 1
        ? vscode.l10n.t('TwoKey: exported 1 audit record to {0}.', target.fsPath)
        : vscode.l10n.t('TwoKey: exported {0} audit records to {1}.', n, target.fsPath),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = crypto.randomBytes(16).toString('base64');
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'audit-view.css'));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(this.dist, 'audit-view.js'));
    return auditViewHtml({
      cspSource: webview.cspSource,
      nonce,
      cssUri: css.toString(),
      jsUri: js.toString(),
      text: auditViewText(vscode.l10n.t),
      lang: vscode.env.language,
    });
  }
}
