/**
 * A small INI reader for ~/.aws/config, gcloud configurations and .git/config:
 * `[section]` or `[section "sub"]`, `key = value`, `#`/`;` comments. Keys are lower-cased
 * (git and gcloud are case-insensitive about them); values keep their case.
 */
export type Ini = Map<string, Map<string, string>>;

export function parseIni(text: string): Ini {
  const out: Ini = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const end = line.lastIndexOf(']');
      const name = line.slice(1, end > 0 ? end : undefined).trim().replace(/\s+/g, ' ');
      current = out.get(name);
      if (!current) {
        current = new Map();
        out.set(name, current);
      }
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!current.has(key)) current.set(key, value);
  }
  return out;
}
