/**
 * "Show details": the preview of what a command would destroy, opened beside the modal as
 * a read-only document served by a content provider (scheme `twokey-preview`), keyed by
 * request id. The preview itself is computed in the pure core (src/core/preview).
 */
import * as vscode from 'vscode';
import { renderPreview, type Preview } from '../core/preview';
import { GONE_TEXT, idFromPath, PREVIEW_SCHEME, PreviewStore, previewPath } from '../core/preview/store';

export { PREVIEW_SCHEME } from '../core/preview/store';

export class PreviewService implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly store = new PreviewStore();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private seq = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = idFromPath(uri.path);
    return (id !== undefined && this.store.get(id)) || GONE_TEXT;
  }

  uriFor(requestId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: previewPath(requestId) });
  }

  /** Stores (or replaces) the preview of a request; an open document of it updates. */
  set(requestId: string, preview: Preview): vscode.Uri {
    const uri = this.uriFor(requestId);
    this.store.set(requestId, renderPreview(preview));
    this.changed.fire(uri);
    return uri;
  }

  /** Forgets a request's preview once it is answered (an open tab then says it is gone). */
  forget(requestId: string): void {
    if (this.store.delete(requestId)) this.changed.fire(this.uriFor(requestId));
  }

  /**
   * Opens the preview beside the active editor, as a preview tab, keeping focus where it
   * is (the modal keeps the keyboard). Without an id, a fresh one is used.
   */
  async showPreview(preview: Preview, requestId = `preview-${++this.seq}`): Promise<void> {
    const uri = this.set(requestId, preview);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Registers the `twokey-preview` content provider; both are disposed with the extension. */
export function registerPreviewProvider(context: vscode.ExtensionContext): PreviewService {
  const service = new PreviewService();
  context.subscriptions.push(service, vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, service));
  return service;
}
