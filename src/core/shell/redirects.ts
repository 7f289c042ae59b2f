/**
 * Redirections as the walker sees them: a file redirect's operator and target word, and the
 * text of a heredoc (known parts substituted, substitutions inside walked).
 */
import type { SyntaxNode } from '../lang/treesitter';
import type { Redirect } from './model';
import type { WalkContext } from './context';
import { resolveWord } from './words';

export function heredocText(node: SyntaxNode, ctx: WalkContext): string {
  // Expansions inside an unquoted heredoc: substitute what is known, walk substitutions.
  let out = '';
  let pos = node.startIndex;
  const src = node.text;
  const base = node.startIndex;
  for (const child of node.namedChildren) {
    if (!child) continue;
    out += src.slice(pos - base, child.startIndex - base);
    if (child.type === 'heredoc_content') out += child.text;
    else out += resolveWord(child, ctx).value;
    pos = child.endIndex;
  }
  out += src.slice(pos - base);
  return out;
}

export function fileRedirect(node: SyntaxNode, ctx: WalkContext): Redirect | undefined {
  const dest = node.childForFieldName('destination');
  let op = '';
  for (const c of node.children) {
    if (c && !c.isNamed) op += c.type;
  }
  if (!dest) return undefined;
  return { op: op || '>', target: resolveWord(dest, ctx) };
}
