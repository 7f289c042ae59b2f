/** The webview's handles: the host's message port and saved state, the page's words, elements by id. */
import type { FromView, ViewFiltersMsg } from './protocol';
import type { AuditViewText } from './text';

interface VsCodeApi {
  postMessage(message: FromView): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What the view keeps across hiding and reloads. */
export interface SavedState {
  filters?: ViewFiltersMsg;
  selectedId?: string;
  widths?: Record<string, string>;
}

export const vscode = acquireVsCodeApi();

/** Merges into the saved state (other parts keep theirs). */
export function saveState(part: SavedState): void {
  vscode.setState({ ...(vscode.getState() ?? {}), ...part });
}

/** The words the extension wrote into the page (see text.ts). */
export const text = JSON.parse(document.body.dataset.text ?? '{}') as AuditViewText;

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the audit view has no #${id}`);
  return e as T;
}
