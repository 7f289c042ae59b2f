/** Filesystem pack: recursive deletes, find -delete, shred, dd to devices, mkfs, truncate, chmod -R, moves. */
import type { Risk, RuleHit } from '../types';
import { DYN, type SimpleCommand, type Word } from '../shell/model';
import { classifyPath, describePath, display, hasFlag, hit, PATH_RANK, positionals, type PathInfo, type Rule, type RuleContext } from './util';

const LIKELY_FILE = /(?:^|\/)[^/*?]+\.(?!db$|sqlite3?$|sql$|dump$|bak$|pem$|key$|kdbx$|env$|git$)[A-Za-z0-9]{1,8}$/;

function worst(paths: PathInfo[]): PathInfo | undefined {
  let w: PathInfo | undefined;
  for (const p of paths) if (!w || PATH_RANK[p.kind] > PATH_RANK[w.kind]) w = p;
  return w;
}

function deleteRisk(p: PathInfo, recursive: boolean): Risk {
  switch (p.kind) {
    case 'regenerable':
    case 'temp':
      return 'low';
    case 'workspace':
      return recursive ? 'high' : 'low';
    case 'dynamic':
      return recursive ? 'high' : 'low';
    case 'git-dir':
    case 'outside':
      return 'high';
    default:
      return recursive ? 'critical' : 'high';
  }
}

function criticalId(p: PathInfo): string {
  switch (p.kind) {
    case 'root':
    case 'dynamic-root':
      return 'fs.rm.root';
    case 'home':
      return 'fs.rm.home';
    case 'workspace-root':
      return 'fs.rm.workspace-root';
    default:
      return 'fs.rm.system';
  }
}

const TEMP_ROOT = /^(?:\/private)?\/(?:tmp|var\/tmp|dev\/shm)(?:\/\*|\/\.\*|\/)?$/;

/** `/tmp`, `/tmp/*`, `/var/tmp`, `/dev/shm`, `$TMPDIR` themselves are not temporary files: every user's work lives there. */
function tempRootItself(p: PathInfo, ctx: RuleContext): PathInfo {
  if (p.kind !== 'temp') return p;
  const tmpdir = ctx.env?.TMPDIR?.replace(/\/$/, '');
  const bare = p.path.replace(/\/(?:\*|\.\*)?$/, '');
  if (TEMP_ROOT.test(p.path) || (tmpdir && bare === tmpdir)) return { kind: 'system', path: bare || p.path };
  return p;
}

/** rm, rimraf, unlink, srm … */
const rm: Rule = (c, ctx) => {
  const recursive =
    c.name === 'rimraf' || c.name === 'del' || c.name === 'del-cli' || c.name === 'trash-empty' || hasFlag(c.args, 'rR', '--recursive', '--dir');
  const force = hasFlag(c.args, 'f', '--force');
  const noPreserve = c.args.some((a) => a.value === '--no-preserve-root');
  const targets = positionals(c.args);
  if (targets.length === 0) return;
  const infos = targets.map((t) => tempRootItself(classifyPath(t.value, ctx, c.cwd), ctx));
  const w = worst(infos)!;
  // `rm -rf package-lock.json`: a single named file in the workspace is not a tree.
  const filesOnly = recursive && infos.every((i, k) => i.kind !== 'workspace' || LIKELY_FILE.test(targets[k].value));
  const risk = noPreserve ? 'critical' : deleteRisk(w, recursive && !(w.kind === 'workspace' && filesOnly));
  const shown = infos.map((i, k) => (i.kind === 'dynamic' || i.kind === 'dynamic-root' ? targets[k].raw : i.path));
  const flags = recursive ? (force ? 'recursively and forcibly' : 'recursively') : force ? 'forcibly' : '';
  const verb = `${c.name}${flags ? ' ' + flags : ''} deletes`;
  if (risk === 'critical') {
    return hit(criticalId(w), 'filesystem', 'critical', `${verb} ${describePath(w)}`, shown);
  }
  if (w.kind === 'regenerable' || w.kind === 'temp') {
    return hit('fs.rm.regenerable', 'filesystem', 'low', `${verb} only build output, caches or temporary files (${shown.join(', ')})`, shown);
  }
  if (!recursive && c.dynamicArgs && w.kind === 'dynamic' && c.via.some((v) => v === 'xargs' || v === 'parallel')) {
    return hit('fs.rm.recursive', 'filesystem', 'high', `${verb} a list of paths only known when it runs (${c.via[c.via.length - 1]})`, shown);
  }
  if (!recursive) {
    const glob = targets.some((t) => /^(?:\.\/)?\*$/.test(t.value));
    if (glob) return hit('fs.rm.glob', 'filesystem', 'high', `${verb} every file in ${c.cwd && !c.cwd.includes(DYN) ? c.cwd : 'the current folder'}`, shown);
    if (risk === 'high') return hit('fs.rm.outside-workspace', 'filesystem', 'high', `${verb} ${describePath(w)}`, shown);
    return hit('fs.rm.file', 'filesystem', 'low', `${verb} ${shown.join(', ')}`, shown);
  }
  if (risk === 'low') return hit('fs.rm.file', 'filesystem', 'low', `${verb} ${shown.join(', ')}`, shown);
  const why = c.dynamicArgs && w.kind === 'dynamic' ? `${verb} paths that are only known when it runs (${c.via[c.via.length - 1] ?? 'input'})` : `${verb} ${describePath(w)}`;
  return hit('fs.rm.recursive', 'filesystem', risk, why, shown);
};

const findDelete: Rule = (c, ctx) => {
  if (c.name !== 'find') return;
  const vals = c.args.map((a) => a.value);
  if (!vals.includes('-delete')) return;
  const roots: Word[] = [];
  for (const a of c.args) {
    if (a.value.startsWith('-') || a.value === '(' || a.value === '!') break;
    roots.push(a);
  }
  const infos = (roots.length ? roots : [{ value: '.', raw: '.' }]).map((r) => classifyPath(r.value, ctx, c.cwd));
  const w = worst(infos)!;
  const shown = infos.map((i) => i.path);
  const name = vals[vals.indexOf('-name') + 1] ?? vals[vals.indexOf('-iname') + 1];
  const artifact = name !== undefined && (vals.includes('-name') || vals.includes('-iname')) && /^(?:\*\.(?:pyc|pyo|o|class|tmp|orig|rej|swp|bak|tsbuildinfo|log)|__pycache__|\.DS_Store|\*~|node_modules|\.pytest_cache|\.mypy_cache)$/.test(name);
  if (w.kind === 'root' || w.kind === 'home' || w.kind === 'system' || w.kind === 'dynamic-root') {
    return hit('fs.find.delete', 'filesystem', 'critical', `find -delete removes files under ${describePath(w)}`, shown);
  }
  if (w.kind === 'regenerable' || w.kind === 'temp' || artifact) {
    return hit('fs.find.delete', 'filesystem', 'low', `find -delete removes generated files (${name ?? shown.join(', ')})`, shown);
  }
  return hit('fs.find.delete', 'filesystem', 'high', `find -delete removes every match${name ? ` of ${name}` : ''} under ${describePath(w)}`, shown);
};

const shred: Rule = (c, ctx) => {
  const targets = positionals(c.args, new Set(['-n', '-s', '--iterations', '--size', '--random-source']));
  if (!targets.length) return;
  const infos = targets.map((t) => classifyPath(t.value, ctx, c.cwd));
  const w = worst(infos)!;
  const dev = targets.some((t) => t.value.startsWith('/dev/'));
  return hit('fs.shred', 'filesystem', dev ? 'critical' : w.kind === 'temp' ? 'low' : 'high', `${c.name} overwrites and destroys ${dev ? 'a disk device' : describePath(w)} beyond recovery`, infos.map((i) => i.path));
};

export const DEVICE = /^\/dev\/(?:sd|hd|vd|xvd|nvme|disk|rdisk|mmcblk|md|dm-|mapper\/|loop|sr)/;

const dd: Rule = (c) => {
  const of = c.args.find((a) => a.value.startsWith('of='));
  if (!of) return;
  const target = of.value.slice(3);
  if (DEVICE.test(target)) return hit('fs.dd.device', 'filesystem', 'critical', `dd writes raw data over the disk device ${target}`, [target]);
  return;
};

const mkfs: Rule = (c) => {
  const dev = c.args.map((a) => a.value).find((v) => v.startsWith('/dev/'));
  const label = c.name === 'diskutil' ? c.args[0]?.value ?? '' : c.name;
  if (c.name === 'diskutil' && !/^(?:erase\w*|zeroDisk|randomDisk|secureErase|partitionDisk|reformat|apfs)$/.test(label)) return;
  if (c.name === 'diskutil' && label === 'apfs' && !/delete|erase/i.test(c.args[1]?.value ?? '')) return;
  return hit('fs.disk.format', 'filesystem', 'critical', `${c.name}${c.name === 'diskutil' ? ' ' + label : ''} erases ${dev ? 'the disk device ' + dev : 'a disk or partition'}`, dev ? [dev] : undefined);
};

const truncate: Rule = (c, ctx) => {
  const targets = positionals(c.args, new Set(['-s', '--size', '-r', '--reference', '-o']));
  if (!targets.length) return;
  const infos = targets.map((t) => classifyPath(t.value, ctx, c.cwd));
  const w = worst(infos)!;
  if (w.kind === 'temp' || w.kind === 'regenerable') return hit('fs.truncate', 'filesystem', 'low', `truncate resizes ${infos.map((i) => i.path).join(', ')}`, infos.map((i) => i.path));
  return hit('fs.truncate', 'filesystem', 'high', `truncate cuts ${describePath(w)} to a new size, discarding its contents`, infos.map((i) => i.path));
};

const chmodR: Rule = (c, ctx) => {
  if (!hasFlag(c.args, 'R', '--recursive')) return;
  const pos = positionals(c.args, new Set(['--reference', '--from']));
  const targets = pos.slice(1);
  if (!targets.length) return;
  const infos = targets.map((t) => classifyPath(t.value, ctx, c.cwd));
  const w = worst(infos)!;
  const shown = infos.map((i) => i.path);
  if (w.kind === 'root' || w.kind === 'home' || w.kind === 'system' || w.kind === 'dynamic-root') {
    return hit('fs.chmod.recursive', 'filesystem', 'critical', `${c.name} -R changes ownership or permissions of everything under ${describePath(w)}`, shown);
  }
  if (w.kind === 'regenerable' || w.kind === 'temp' || w.kind === 'workspace') {
    return hit('fs.chmod.recursive', 'filesystem', /777|a\+w|o\+w/.test(pos[0]?.value ?? '') ? 'high' : 'low', `${c.name} -R ${pos[0]?.value ?? ''} on ${shown.join(', ')}`, shown);
  }
  return hit('fs.chmod.recursive', 'filesystem', 'high', `${c.name} -R changes ${describePath(w)}`, shown);
};

const mv: Rule = (c, ctx) => {
  const pos = positionals(c.args, new Set(['-t', '--target-directory', '-S', '--suffix']));
  if (pos.length < 2) return;
  const dest = pos[pos.length - 1];
  const sources = pos.slice(0, -1);
  const srcInfos = sources.map((s) => classifyPath(s.value, ctx, c.cwd));
  const ws = worst(srcInfos)!;
  if (ws.kind === 'root' || ws.kind === 'home' || ws.kind === 'workspace-root' || ws.kind === 'system' || ws.kind === 'dynamic-root') {
    return hit('fs.mv.critical', 'filesystem', 'critical', `${c.name} moves ${describePath(ws)} away`, srcInfos.map((i) => i.path));
  }
  const d0 = classifyPath(dest.value, ctx, c.cwd);
  if (d0.kind === 'temp' && (ws.kind === 'outside' || ws.kind === 'workspace' || ws.kind === 'git-dir' || ws.kind === 'dynamic')) {
    return hit('fs.mv.to-temp', 'filesystem', 'high', `${c.name} moves ${describePath(ws)} into the temporary folder ${d0.path}, where it will be cleaned away`, srcInfos.map((i) => i.path));
  }
  if (dest.value === '/dev/null') {
    return hit('fs.mv.dev-null', 'filesystem', 'high', `${c.name} moves ${srcInfos.map((i) => i.path).join(', ')} to /dev/null, which deletes it`, srcInfos.map((i) => i.path));
  }
  const d = classifyPath(dest.value, ctx, c.cwd);
  if (d.kind === 'root' || d.kind === 'home' || d.kind === 'system' || d.kind === 'workspace-root') {
    if (hasFlag(c.args, 'fT', '--force', '--no-target-directory')) {
      return hit('fs.mv.overwrite', 'filesystem', 'critical', `${c.name} forcibly moves over ${describePath(d)}`, [d.path]);
    }
    return;
  }
  if (hasFlag(c.args, 'T', '--no-target-directory') && hasFlag(c.args, 'f', '--force')) {
    return hit('fs.mv.overwrite', 'filesystem', 'high', `${c.name} -fT replaces the folder ${d.path} with ${srcInfos.map((i) => i.path).join(', ')}`, [d.path]);
  }
  return;
};

const rsync: Rule = (c, ctx) => {
  if (!c.args.some((a) => /^--(?:delete|delete-\w+|del|remove-source-files)$/.test(a.value))) return;
  if (c.args.some((a) => a.value === '-n' || a.value === '--dry-run' || (/^-[a-zA-Z]+$/.test(a.value) && a.value.includes('n')))) return;
  const pos = positionals(c.args, new Set(['-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--exclude-from', '--include-from', '--files-from', '--backup-dir', '--port', '--chmod', '--rsync-path']));
  const dest = pos[pos.length - 1];
  if (!dest) return;
  const remote = /^[\w.-]*@?[\w.-]+:/.test(dest.value) && !dest.value.startsWith('/');
  const d = remote ? { kind: 'outside' as const, path: dest.value } : classifyPath(dest.value, ctx, c.cwd);
  if (d.kind === 'temp' || d.kind === 'regenerable') return hit('fs.rsync.delete', 'filesystem', 'low', `rsync --delete mirrors into ${d.path}`, [d.path]);
  const crit = d.kind === 'root' || d.kind === 'home' || d.kind === 'system' || d.kind === 'workspace-root';
  return hit('fs.rsync.delete', 'filesystem', crit ? 'critical' : 'high', `rsync --delete removes files in ${describePath(d)} that are not in the source`, [d.path]);
};

/** `> /dev/sda`, `cat x > /dev/disk2` */
export function deviceWrite(c: SimpleCommand): RuleHit | undefined {
  for (const r of c.redirects) {
    if (r.op.includes('>') && DEVICE.test(r.target.value)) {
      return hit('fs.dd.device', 'filesystem', 'critical', `the command writes directly over the disk device ${r.target.value}`, [r.target.value]);
    }
  }
  return undefined;
}

/** `git rm -r`, handled elsewhere; here only the plain tools. */
export const filesystemRules: Record<string, Rule[]> = {
  rm: [rm],
  rimraf: [rm],
  del: [rm],
  'del-cli': [rm],
  unlink: [rm],
  srm: [rm],
  find: [findDelete],
  shred: [shred],
  wipe: [shred],
  dd: [dd],
  mkfs: [mkfs],
  'mkfs.ext4': [mkfs],
  'mkfs.ext3': [mkfs],
  'mkfs.xfs': [mkfs],
  'mkfs.btrfs': [mkfs],
  'mkfs.vfat': [mkfs],
  'mkfs.fat': [mkfs],
  'mkfs.ntfs': [mkfs],
  'mke2fs': [mkfs],
  wipefs: [mkfs],
  diskutil: [mkfs],
  fdisk: [(c) => (c.args.some((a) => a.value === '-l') ? undefined : mkfs(c, {} as RuleContext))],
  sgdisk: [(c) => (c.args.some((a) => /^(?:-Z|--zap-all|-o|--clear)$/.test(a.value)) ? mkfs(c, {} as RuleContext) : undefined)],
  parted: [(c) => (c.args.some((a) => /^(?:mklabel|rm|mkpart)$/.test(a.value)) ? mkfs(c, {} as RuleContext) : undefined)],
  truncate: [truncate],
  chmod: [chmodR],
  chown: [chmodR],
  chgrp: [chmodR],
  mv: [mv],
  rsync: [rsync],
};

export { display };
