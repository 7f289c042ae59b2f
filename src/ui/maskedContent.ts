/**
 * What the credential watch shows and hides: the read-only `twokey-masked:` documents behind
 * its "last approved ↔ on disk" diff (only masked text ever goes in), and the policy's masked
 * variables kept out of new terminals through the terminals' environment collection.
 */
import * as vscode from 'vscode';
import type { Logger } from '../logger';

export const MASKED_SCHEME = 'twokey-masked';

export interface ShownDiff {
  left: string;
  right: string;
  title: string;
}

/** The masked before/after documents, served read-only under `twokey-masked:`. */
export class MaskedDiffs implements vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly shown: ShownDiff[] = [];
  private seq = 0;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(MASKED_SCHEME, {
      provideTextDocumentContent: (uri) => this.documents.get(uri.query) ?? '',
    });
  }

  /** Opens a side-by-side view of two masked texts. */
  async show(label: string, left: string, right: string): Promise<void> {
    const id = ++this.seq;
    this.documents.set(`${id}-before`, left);
    this.documents.set(`${id}-after`, right);
    const name = label.replace(/[^\w.-]+/g, '_');
    const l = vscode.Uri.from({ scheme: MASKED_SCHEME, path: `/${name}`, query: `${id}-before` });
    const r = vscode.Uri.from({ scheme: MASKED_SCHEME, path: `/${name}`, query: `${id}-after` });
    const title = `${label}: last approved ↔ on disk (masked)`;
    this.shown.push({ left, right, title });
    await vscode.commands.executeCommand('vscode.diff', l, r, title, { preview: true });
  }

  /** Every diff shown so far (for in-host tests). */
  all(): ShownDiff[] {
    return [...this.shown];
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/**
 * The variables kept out of new terminals: each is given an empty value, and their names go
 * in `TWOKEY_MASKED_VARS` for the shell gate.
 */
export class MaskedVariables {
  private masked: string[] = [];

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    private readonly log: Logger,
    /** The names the policy masks now (its `maskedVariables`, matched against the environment). */
    private readonly wanted: () => string[],
  ) {}

  names(): string[] {
    return [...this.masked];
  }

  /** Keep the policy's masked variables out of new terminals (an empty value). */
  apply(): void {
    const names = this.wanted();
    const c = this.collection;
    for (const n of this.masked) if (!names.includes(n)) c.delete(n);
    for (const n of names) c.replace(n, '');
    if (names.length) c.replace('TWOKEY_MASKED_VARS', names.join(' '));
    else c.delete('TWOKEY_MASKED_VARS');
    if (names.join() !== this.masked.join()) this.log.info(`[credentials] kept out of new terminals: ${names.join(', ') || 'nothing'}`);
    this.masked = names;
  }

  /** Lift the masks for the terminals created until the next `apply()`. */
  lift(): void {
    for (const n of this.masked) this.collection.delete(n);
    this.collection.delete('TWOKEY_MASKED_VARS');
  }
}
