/**
 * "What would be lost", in view while deciding: a webview panel opened beside the approval
 * modal (without taking the keyboard from it), filled in as the preview is computed in the
 * pure core (src/core/preview), and closed as soon as the request is answered, withdrawn or
 * timed out. One panel per request id.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { Preview } from '../core/preview';
import { previewPanelHtml, type PanelFacts } from './previewHtml';
import { PREVIEW_TITLE } from './previewTitle';
import { previewText, type PreviewText } from './previewText';

export const PREVIEW_VIEW_TYPE = 'twokey.preview';
export { PREVIEW_TITLE };

interface Open {
  panel: vscode.WebviewPanel;
  facts: PanelFacts;
  root?: string;
}

export class PreviewService implements vscode.Disposable {
  private readonly open = new Map<string, Open>();
  /** The panel's words in the display language (l10n/bundle.l10n.json). */
  readonly text: PreviewText = previewText(vscode.l10n.t);

  /** Opens the panel for a request, still counting; keeps focus where it is (the modal). */
  show(requestId: string, facts: PanelFacts, root?: string): void {
    if (this.open.has(requestId)) return;
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      this.text.title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, enableFindWidget: true, localResourceRoots: [] },
    );
    const entry: Open = { panel, facts, root };
    this.open.set(requestId, entry);
    panel.onDidDispose(() => {
      if (this.open.get(requestId) === entry) this.open.delete(requestId);
    });
    this.render(entry);
  }

  /** The preview is ready (or as far as it got): the panel shows it. */
  set(requestId: string, preview: Preview): void {
    const e = this.open.get(requestId);
    if (e) this.render(e, preview);
  }

  /** The request is answered or gone: its panel closes. */
  close(requestId: string): void {
    const e = this.open.get(requestId);
    if (!e) return;
    this.open.delete(requestId);
    e.panel.dispose();
  }

  get openCount(): number {
    return this.open.size;
  }

  private render(e: Open, preview?: Preview): void {
    const nonce = crypto.randomBytes(16).toString('base64');
    e.panel.webview.html = previewPanelHtml({
      nonce,
      cspSource: e.panel.webview.cspSource,
      facts: e.facts,
      preview,
      root: e.root,
      text: this.text,
      lang: vscode.env.language,
    });
  }

  dispose(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }
}

/** The preview panels, disposed with the extension. */
export function registerPreviewProvider(context: vscode.ExtensionContext): PreviewService {
  const service = new PreviewService();
  context.subscriptions.push(service);
  return service;
}
