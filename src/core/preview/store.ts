/**
 * The rendered previews the editor serves as read-only documents, keyed by request id.
 * Bounded: the oldest previews are forgotten first. Pure, so it is tested without VS Code.
 */

export const PREVIEW_SCHEME = 'twokey-preview';
/** Name of the document (its tab title); `.md` gives Markdown colouring. */
export const PREVIEW_FILE = 'What would be lost.md';

export class PreviewStore {
  private readonly texts = new Map<string, string>();

  constructor(private readonly max = 32) {}

  set(id: string, text: string): void {
    this.texts.delete(id);
    this.texts.set(id, text);
    while (this.texts.size > this.max) this.texts.delete(this.texts.keys().next().value as string);
  }

  get(id: string): string | undefined {
    return this.texts.get(id);
  }

  delete(id: string): boolean {
    return this.texts.delete(id);
  }

  get size(): number {
    return this.texts.size;
  }
}

/** The URI path for a request id: `/<id>/What would be lost.md` (the id encoded, so it cannot add segments). */
export function previewPath(id: string): string {
  return `/${encodeURIComponent(id)}/${PREVIEW_FILE}`;
}

/** The request id in a preview URI path, or undefined when the path is not one of ours. */
export function idFromPath(p: string): string | undefined {
  const m = /^\/([^/]+)\/[^/]+$/.exec(p);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** Text served for an id TwoKey no longer holds (the request was answered long ago, or the window reloaded). */
export const GONE_TEXT = '# TwoKey\n\nThis preview is no longer available: the request it belonged to was answered or withdrawn.\n';
