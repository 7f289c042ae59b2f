/**
 * INI files the environment signals read: `~/.aws/config` and `credentials`, gcloud
 * configurations, `.git/config`. Parsing is the `ini` package's (quoted values, `;`/`#`
 * comments, escapes); two things are arranged first so that these tools' files read as the
 * tools read them: a section header may be indented or padded (`[ profile  prod ]` is
 * `profile prod`), and a dot in a header is part of the name (`[profile eu.prod]`,
 * `[remote "origin.eu"]`), not the nesting `ini` would make of it. Keys are lower-cased
 * (git and gcloud are case-insensitive about them); values keep their case; the first value
 * of a key wins.
 */
import { parse } from 'ini';

export type Ini = Map<string, Map<string, string>>;

const HEADER = /^\s*\[([^\]]*)\]\s*(?:[;#].*)?$/;

export function parseIni(text: string): Ini {
  const lines = text.split(/\r?\n/).map((line) => {
    const h = HEADER.exec(line);
    if (!h) return line.trimStart();
    return `[${h[1].trim().replace(/\s+/g, ' ').replace(/[\\.;#]/g, (c) => '\\' + c)}]`;
  });
  const doc = parse(lines.join('\n'), { bracketedArray: false }) as Record<string, unknown>;
  const out: Ini = new Map();
  for (const [name, body] of Object.entries(doc)) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue; // a key before any section
    const keys = new Map<string, string>();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const first = Array.isArray(v) ? v[0] : v;
      const key = k.toLowerCase();
      if (first === undefined || first === null || typeof first === 'object' || keys.has(key)) continue;
      keys.set(key, String(first));
    }
    out.set(name, keys);
  }
  return out;
}
