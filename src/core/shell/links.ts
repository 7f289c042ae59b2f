/**
 * Symbolic links in the paths a command deletes or overwrites, resolved at check time
 * through the engine's FileSource. `rm -rf /tmp/link/*` where /tmp/link points into the
 * workspace deletes the workspace's files, and is judged so; `rm /tmp/link` removes only the
 * link (its last part is not followed), while `rm -rf /tmp/link/` (a trailing slash) goes
 * through it. A path is rewritten only when its real location is one the rules weigh
 * differently: the workspace, the home folder (or a folder above either), or a system
 * folder. A link elsewhere (macOS's /tmp → /private/tmp) leaves the path as written.
 * A link made earlier on the same line (`ln -s ~/proj /tmp/l; rm -rf /tmp/l/`) does not exist
 * at check time: it is followed as if it did, from the point in the line where it is made.
 */
import { posix } from 'node:path';
import { DYN, type ParsedLine, type SimpleCommand, type Word } from './model';
import { resolvePath } from './context';
import type { FileSource } from './files';

/** Commands whose path arguments are deleted or overwritten. */
const TOUCHERS = new Set([
  'rm', 'rmdir', 'unlink', 'shred', 'srm', 'rimraf', 'del', 'del-cli', 'trash', 'trash-put', 'find', 'truncate', 'cp', 'mv', 'rsync', 'tee', 'dd', 'install', 'ln', 'wipe',
]);

const GLOB = /[*?[]/;
const MAX_LINKS_PER_LINE = 64;

/** The real location of an absolute path; the part that does not exist yet is kept as written. */
function realOf(abs: string, files: FileSource): string | undefined {
  let head = abs;
  let tail = '';
  for (let i = 0; i < 64; i++) {
    const r = files.realpath!(head);
    if (r !== undefined) return tail ? posix.join(r, tail) : r;
    if (head === '/') return undefined;
    tail = tail ? posix.join(posix.basename(head), tail) : posix.basename(head);
    head = posix.dirname(head);
  }
  return undefined;
}

/**
 * The path the command really touches, when a link on the way leads somewhere else; undefined
 * when it is the path as written (or cannot be told).
 */
export function linkedTarget(value: string, cwd: string | undefined, home: string | undefined, files: FileSource): string | undefined {
  if (!files.realpath || value.includes(DYN) || value === '' || value.startsWith('-')) return undefined;
  const glob = value.search(GLOB);
  const abs = resolvePath(glob >= 0 ? value.slice(0, glob) : value, cwd, home);
  if (!abs.startsWith('/') || abs.includes(DYN)) return undefined;
  let followed: string;
  let kept: string;
  if (glob >= 0) {
    // `/tmp/link/*`, `/tmp/link/a*`: the folder the pattern is matched in, then the pattern.
    const cut = value.lastIndexOf('/', glob);
    const dir = cut >= 0 ? resolvePath(value.slice(0, cut) || '/', cwd, home) : resolvePath('.', cwd, home);
    followed = dir;
    kept = value.slice(cut + 1);
  } else if (value.endsWith('/') || /(?:^|\/)\.{1,2}$/.test(value)) {
    // A trailing slash (or `.`) goes through a link to the folder it names.
    followed = abs.replace(/(.)\/+$/, '$1');
    kept = '';
  } else {
    followed = posix.dirname(abs);
    kept = posix.basename(abs);
  }
  if (followed.includes(DYN) || !followed.startsWith('/')) return undefined;
  const real = realOf(followed, files);
  if (real === undefined || real === followed) return undefined;
  return kept ? posix.join(real, kept) : real;
}

const SYSTEM = /^\/(?:etc|usr|bin|sbin|lib\w*|boot|opt|srv|root|var\/lib|System|Library|Applications)(?:\/|$)/;

interface Places {
  home?: string;
  /** Folders that matter, with their real locations: [as the rules know it, real]. */
  roots: Array<[string, string]>;
  files: FileSource;
  left: number;
}

/** `real` as the rules should see it, or undefined when its location does not change the judgement. */
function weighed(real: string, p: Places): string | undefined {
  if (real === '/' || SYSTEM.test(real)) return real;
  for (const [known, r] of p.roots) {
    if (real === r || real.startsWith(r + '/')) return known + real.slice(r.length);
    if (r.startsWith(real + '/')) return real;
  }
  return undefined;
}

function resolveWord(w: Word, c: SimpleCommand, p: Places): Word {
  if (p.left <= 0) return w;
  const v = w.value;
  // dd of=PATH, --target-directory=PATH
  const eq = /^(?:of=|--target-directory=|--output=)/.exec(v)?.[0] ?? '';
  const path = v.slice(eq.length);
  // Only words that name a path through a folder (`host:/path` is another machine's).
  if ((!path.includes('/') && eq === '') || /^[^/]*:/.test(path)) return w;
  p.left--;
  const real = linkedTarget(path, c.cwd && !c.cwd.includes(DYN) ? c.cwd : undefined, p.home, p.files);
  const seen = real === undefined ? undefined : weighed(real, p);
  return seen === undefined ? w : { value: eq + seen, raw: w.raw };
}

/** `ln -s TARGET LINK` (and `ln -s TARGET DIR/`): the link it makes, as [link, target], absolute. */
function plannedLink(c: SimpleCommand, cwd: string | undefined, home: string | undefined): [string, string] | undefined {
  if (c.name !== 'ln') return undefined;
  let symbolic = false;
  const operands: string[] = [];
  for (const w of c.args) {
    const v = w.value;
    if (v.includes(DYN)) return undefined;
    if (v === '--symbolic' || /^-[a-zA-Z]*s/.test(v)) symbolic = true;
    else if (!v.startsWith('-')) operands.push(v);
  }
  if (!symbolic || operands.length !== 2) return undefined;
  const [target, name] = operands;
  let link = resolvePath(name, cwd, home);
  if (name.endsWith('/')) link = posix.join(link, posix.basename(target));
  if (!link.startsWith('/')) return undefined;
  link = posix.normalize(link).replace(/(.)\/$/, '$1');
  // A relative target is relative to the link's own folder.
  const to = target.startsWith('/') || target.startsWith('~') ? resolvePath(target, cwd, home) : posix.join(posix.dirname(link), target);
  return to.startsWith('/') ? [link, posix.normalize(to).replace(/(.)\/$/, '$1')] : undefined;
}

/** The file source as it will be once the line's own links exist. */
function withPlanned(files: FileSource, planned: Map<string, string>): FileSource {
  const real = (p: string, depth: number): string | undefined => {
    const n = posix.normalize(p);
    for (const [link, to] of planned) {
      if (depth < 16 && (n === link || n.startsWith(link + '/'))) return real(to + n.slice(link.length), depth + 1) ?? to + n.slice(link.length);
    }
    return files.realpath!(n);
  };
  return { ...files, realpath: (p) => real(p, 0) };
}

/**
 * Rewrites, in place, the path arguments and redirect targets of commands that delete or
 * overwrite, to where their links lead. `cwd` is the terminal's folder (used when a command
 * has none of its own).
 */
export function resolveLinks(parsed: ParsedLine, files: FileSource | undefined, where: { cwd?: string; home?: string; workspaceRoot?: string }): void {
  if (!files?.realpath) return;
  const roots: Array<[string, string]> = [];
  for (const known of [where.workspaceRoot, where.home]) {
    if (!known || !known.startsWith('/') || known.includes(DYN)) continue;
    const k = posix.normalize(known).replace(/(.)\/$/, '$1');
    roots.push([k, k]);
    const r = files.realpath(k);
    if (r && r !== k) roots.push([k, r]);
  }
  const p: Places = { home: where.home, roots, files, left: MAX_LINKS_PER_LINE };
  const cwds = new Map<string, string | undefined>();
  const planned = new Map<string, string>();
  for (const c of parsed.commands) {
    if (planned.size) p.files = withPlanned(files, planned);
    // `cd /tmp/link && rm -rf src`: the folder the command runs in, through its links.
    if (c.cwd && c.cwd !== where.cwd && c.cwd.startsWith('/') && !c.cwd.includes(DYN)) {
      if (!cwds.has(c.cwd)) {
        const real = p.files.realpath!(c.cwd);
        cwds.set(c.cwd, real && real !== c.cwd ? weighed(real, p) : undefined);
      }
      const seen = cwds.get(c.cwd);
      if (seen !== undefined) c.cwd = seen;
    }
    const withCwd = c.cwd === undefined ? { ...c, cwd: where.cwd } : c;
    // find: only its starting folders are paths (`-name '*.ts'` is a pattern).
    const upTo = c.name === 'find' ? c.args.findIndex((w) => /^[-(!]/.test(w.value)) : -1;
    if (TOUCHERS.has(c.name)) c.args = c.args.map((w, i) => (upTo >= 0 && i >= upTo ? w : resolveWord(w, withCwd, p)));
    if (c.redirects.length) c.redirects = c.redirects.map((r) => (/>/.test(r.op) ? { ...r, target: resolveWord(r.target, withCwd, p) } : r));
    const made = plannedLink(c, withCwd.cwd && !withCwd.cwd.includes(DYN) ? withCwd.cwd : undefined, where.home);
    if (made && planned.size < MAX_LINKS_PER_LINE) {
      planned.set(made[0], made[1]);
      cwds.clear();
    }
  }
}
