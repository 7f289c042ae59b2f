/** File-system watchers for a list of folder + glob pairs, one per distinct pair. */
import * as vscode from 'vscode';

export interface WatchTarget {
  base: string;
  pattern: string;
}

export type FileEventKind = 'create' | 'change' | 'delete';

/** Watches each distinct `base` + `pattern`; `on` hears every creation, change and deletion. Dispose each watcher returned. */
export function watchFiles(targets: Iterable<WatchTarget>, on: (uri: vscode.Uri, kind: FileEventKind) => void): vscode.FileSystemWatcher[] {
  const seen = new Set<string>();
  const watchers: vscode.FileSystemWatcher[] = [];
  for (const t of targets) {
    const key = t.base + '\0' + t.pattern;
    if (seen.has(key)) continue;
    seen.add(key);
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(t.base), t.pattern));
    w.onDidCreate((u) => on(u, 'create'));
    w.onDidChange((u) => on(u, 'change'));
    w.onDidDelete((u) => on(u, 'delete'));
    watchers.push(w);
  }
  return watchers;
}
