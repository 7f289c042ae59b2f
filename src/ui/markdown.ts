/**
 * Text a repository controls (evidence values, terminal names, file paths, policy text) put
 * into a Markdown tooltip shows as typed: no link, image, HTML, emphasis, heading, code span
 * or theme icon can come out of it, and a line break cannot start a new block. No `vscode`
 * import, so it is tested with node:test.
 */

/**
 * The characters CommonMark, GitHub's extensions or a VS Code theme icon (`$(name)`) give a
 * meaning inside a line: emphasis, code, links, images, HTML, entities, tables, strike-through,
 * and the `.` and `:` that let a bare `www.` or `https:` address become a link.
 */
const SPECIAL = /[\\`*_{}[\]()<>#+!|~$&.:]/g;

/** `text` as literal Markdown inline text (one line; a leading list or heading marker escaped too). */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(SPECIAL, (c) => `\\${c}`)
    .replace(/^(\s*)([-=])/, '$1\\$2');
}

/**
 * `text` as a Markdown code span: fenced by more backticks than it holds in a row, padded
 * with a space where it starts or ends with a backtick or a space (CommonMark strips one).
 */
export function codeSpan(text: string): string {
  const line = oneLine(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line === '' || /^[` ]|[` ]$/.test(line) ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

function oneLine(text: string): string {
  return String(text).replace(/[\r\n\u2028\u2029]+/g, ' ');
}
