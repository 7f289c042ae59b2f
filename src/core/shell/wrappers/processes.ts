/**
 * Process wrappers that run their arguments as a command: `nohup`, `nice`, `ionice`, `time`,
 * `exec`, `command`, `builtin`, `setsid`, `timeout`, `flock` (and `flock -c`), `env` (with its
 * assignments, `-u`, `-i`, `-S`), `stdbuf`, `unshare`, `nsenter`, and `trap`'s code.
 */
import { DYN } from '../model';
import { emit, parseNested } from '../extract';
import { set, shift, skipOptions, VALUE_OPTS, wordsToScript, type Unwrapper } from '../wrapkit';

export const processes: Record<string, Unwrapper> = {
  unshare: (c) => shift(c, skipOptions(c.args, 0, set('-S', '--setuid', '-G', '--setgid', '--propagation', '-R', '--root', '-w', '--wd', '--map-user', '--map-group', '--map-users', '--map-groups')), 'unshare'),
  nsenter: (c) => shift(c, skipOptions(c.args, 0, set('-t', '--target', '-S', '--setuid', '-G', '--setgid', '-r', '-w', '--wd', '--env')), 'nsenter'),
  stdbuf: (c) => shift(c, skipOptions(c.args, 0, set('-i', '-o', '-e')), 'stdbuf'),
};
processes['nohup'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (name === 'command' && args.some((a) => /^-[a-zA-Z]*[vV]/.test(a.value))) {
    emit(c, ctx);
    return 'done';
  }
  const opts = VALUE_OPTS[name] ?? new Set<string>();
  let i = skipOptions(args, 0, opts);
  if (name === 'nice' && i < args.length && /^-?\d+$/.test(args[i].value)) i++;
  // `exec -c`: the command starts with an empty environment.
  const wipes = name === 'exec' && args.slice(0, i).some((a) => /^-[a-z]*c/.test(a.value));
  const next = shift(c, i, name, wipes ? { cleared: ['*'] } : undefined);
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['nice'] = processes['nohup'];
processes['ionice'] = processes['nohup'];
processes['time'] = processes['nohup'];
processes['builtin'] = processes['nohup'];
processes['exec'] = processes['nohup'];
processes['chronic'] = processes['nohup'];
processes['setsid'] = processes['nohup'];
processes['unbuffer'] = processes['nohup'];
processes['caffeinate'] = processes['nohup'];
processes['command'] = processes['nohup'];
// `trap 'CODE' SIGNAL…`: CODE runs later, when the signal comes (or the shell exits).
processes['trap'] = (c, ctx) => {
  const args = c.args;
  emit(c, ctx);
  const code = args[0] && args[0].value !== '-' && !args[0].value.startsWith('-') && args.length > 1 ? args[0] : undefined;
  if (code && code.value.trim()) parseNested(code.value.split(DYN).join('"$UNKNOWN"'), ctx, 'trap');
  return 'done';
};
processes['timeout'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.timeout);
  const next = shift(c, i + 1, 'timeout');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['flock'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.flock);
  const j = i + 1;
  if (args[j] && (args[j].value === '-c' || args[j].value === '--command') && args[j + 1]) {
    parseNested(args[j + 1].value, ctx, 'flock -c');
    return 'done';
  }
  const next = shift(c, j, 'flock');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['env'] = (c, ctx) => {
  const args = c.args;
  let i = 0;
  const assignments = { ...c.assignments };
  const cleared = [...(c.cleared ?? [])];
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--') {
      i++;
      break;
    }
    if (v === '-u' || v === '--unset') cleared.push(args[i + 1]?.value ?? '');
    else if (v.startsWith('--unset=')) cleared.push(v.slice(8));
    else if (v === '-i' || v === '-' || v === '--ignore-environment') cleared.push('*');
    if (v === '-u' || v === '--unset' || v === '-C' || v === '--chdir') {
      i += 2;
      continue;
    }
    if (v === '-S' || v === '--split-string' || v.startsWith('--split-string=')) {
      const s = v.includes('=') ? v.slice(v.indexOf('=') + 1) : args[i + 1]?.value ?? '';
      const rest = wordsToScript(args.slice(v.includes('=') ? i + 1 : i + 2), true);
      parseNested(s + ' ' + rest, ctx, 'env -S', c.stdin);
      return 'done';
    }
    if (v.startsWith('-')) {
      i++;
      continue;
    }
    const eq = v.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.slice(0, eq))) {
      assignments[v.slice(0, eq)] = v.slice(eq + 1);
      i++;
      continue;
    }
    break;
  }
  const next = shift(c, i, 'env', { assignments, ...(cleared.length ? { cleared } : {}) });
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
