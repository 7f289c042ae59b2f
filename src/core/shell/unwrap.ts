/**
 * Looks through wrappers to the command that really runs: sudo, env, nohup, timeout,
 * xargs, find -exec, sh -c, eval, watch, ssh, kubectl/docker exec, npx …, and inline
 * interpreter code (python -c, node -e, perl -e, ruby -e, deno eval, bun -e, php -r).
 */
import { DYN, type SimpleCommand, type Stdin, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { codeToShell, type CodeLang } from './code';

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox', 'rbash', 'yash']);

/** Options that take a value, per wrapper (short and long forms). */
const VALUE_OPTS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir', '--role', '--type', '--other-user', '--close-from', '--command-timeout']),
  doas: new Set(['-u', '-C']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '-P', '-u', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  time: new Set(['-f', '-o', '--format', '--output']),
  stdbuf: new Set(['-i', '-o', '-e']),
  exec: new Set(['-a']),
  chronic: new Set(),
  nohup: new Set(),
  builtin: new Set(),
  command: new Set(),
  setsid: new Set(),
  unbuffer: new Set(),
  caffeinate: new Set(['-t', '-w']),
  flock: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']),
  xargs: new Set(['-I', '-L', '-l', '-n', '-P', '-s', '-d', '-E', '-e', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--replace', '--max-chars', '--eof', '--process-slot-var']),
  parallel: new Set(['-j', '-P', '-S', '--jobs', '--sshlogin', '-d', '--delimiter', '-a', '--arg-file', '--joblog', '--results', '--timeout', '--delay', '--retries', '-n', '-N', '-L', '-I', '--colsep', '--tmpdir', '--workdir', '--basefile', '--env']),
  watch: new Set(['-n', '--interval', '-d', '-q', '--equexit']),
  ssh: new Set(['-p', '-i', '-l', '-o', '-F', '-J', '-L', '-R', '-D', '-b', '-c', '-E', '-e', '-m', '-O', '-Q', '-S', '-W', '-w', '-B', '-I']),
  docker_exec: new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '--detach-keys']),
  npx: new Set(['-p', '--package', '-c', '--call', '--cache', '--registry', '--userconfig', '--node-options']),
  dotenv: new Set(['-e', '-v', '-p', '-c']),
};

export const INTERPRETERS: Record<string, CodeLang> = {
  python: 'python', python2: 'python', python3: 'python', pypy: 'python', pypy3: 'python', ipython: 'python',
  node: 'js', nodejs: 'js', bun: 'js', deno: 'js', tsx: 'js', 'ts-node': 'js',
  perl: 'perl', ruby: 'ruby', php: 'php',
};

/** JS package runners and task runners that run a named tool: `npx prisma …`. */
export const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm', 'npm', 'bun', 'bundle', 'poetry', 'uv', 'uvx', 'pipenv', 'pdm', 'hatch', 'rye', 'pipx', 'dotenv', 'cross-env', 'doppler', 'op', 'infisical', 'aws-vault', 'direnv', 'nix-shell', 'devbox', 'mise', 'asdf', 'rtx', 'with-contenv', 'envchain', 'sops', 'chamber']);

function basename(name: string): string {
  let n = name.startsWith('\\') ? name.slice(1) : name;
  const slash = n.lastIndexOf('/');
  if (slash >= 0 && slash < n.length - 1) n = n.slice(slash + 1);
  if (n.endsWith('.exe')) n = n.slice(0, -4);
  return n;
}

/** Index of the first positional argument after options. */
function skipOptions(args: Word[], from: number, withValue: Set<string>, stopAtDoubleDash = true): number {
  let i = from;
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--') return stopAtDoubleDash ? i + 1 : i;
    if (!v.startsWith('-') || v === '-') return i;
    if (withValue.has(v)) i += 2;
    else i += 1;
  }
  return i;
}

function shift(c: SimpleCommand, from: number, label: string, extra?: Partial<SimpleCommand>): SimpleCommand | undefined {
  if (from >= c.args.length) return undefined;
  const name = c.args[from];
  return {
    ...c,
    name: name.value,
    args: c.args.slice(from + 1),
    via: [...c.via, label],
    ...extra,
  };
}

function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

/** Re-parses words as a script (for eval, watch, ssh): known values quoted, unknown kept as written. */
function wordsToScript(ws: Word[], quote: boolean): string {
  return ws.map((w) => (w.value.includes(DYN) ? w.raw : quote ? shellQuote(w.value) : w.value)).join(' ');
}

function stdinScript(c: SimpleCommand, ctx: WalkContext, label: string, what: string): void {
  const s = c.stdin;
  if (!s) return;
  switch (s.kind) {
    case 'literal':
      if (s.text !== undefined) parseNested(s.text, ctx, label);
      return;
    case 'remote':
      ctx.out.unanalysable.push({ reason: `it pipes a script downloaded from ${s.source ?? 'the network'} into ${what}, which cannot be checked before it runs`, text: c.raw });
      return;
    case 'decoded':
      ctx.out.unanalysable.push({ reason: `it decodes a hidden payload (${s.source}) and runs it with ${what}`, text: c.raw });
      return;
    case 'unknown':
      ctx.out.unanalysable.push({ reason: `it runs the output of ${s.source ?? 'another command'} with ${what}, which is only known when it runs`, text: c.raw });
      return;
    case 'file':
      return;
  }
}

export function unwrapCommand(input: SimpleCommand, ctx: WalkContext): void {
  let c: SimpleCommand | undefined = input;
  for (let guard = 0; c && guard < 16; guard++) {
    const name = basename(c.name);
    if (name !== c.name) c = { ...c, name };
    const args: Word[] = c.args;

    // Same-line alias: `alias r='rm -rf'; r src`.
    const alias = ctx.aliases.get(name);
    if (alias !== undefined && !c.via.includes(`alias ${name}`)) {
      parseNested(alias + ' ' + wordsToScript(args, true), ctx, `alias ${name}`, c.stdin);
      return;
    }

    switch (name) {
      case 'sudo':
      case 'doas': {
        if (args.some((a) => a.value === '-e' || a.value === '--edit')) break;
        const i = skipOptions(args, 0, VALUE_OPTS[name]);
        const next = shift(c, i, name, { elevated: true });
        if (!next) {
          emit(c, ctx);
          return;
        }
        c = next;
        continue;
      }
      case 'nohup':
      case 'nice':
      case 'ionice':
      case 'time':
      case 'stdbuf':
      case 'builtin':
      case 'exec':
      case 'chronic':
      case 'setsid':
      case 'unbuffer':
      case 'caffeinate':
      case 'command': {
        if (name === 'command' && args.some((a) => /^-[a-zA-Z]*[vV]/.test(a.value))) {
          emit(c, ctx);
          return;
        }
        const opts = VALUE_OPTS[name] ?? new Set<string>();
        let i = skipOptions(args, 0, opts);
        if (name === 'nice' && i < args.length && /^-?\d+$/.test(args[i].value)) i++;
        // `exec -c`: the command starts with an empty environment.
        const wipes = name === 'exec' && args.slice(0, i).some((a) => /^-[a-z]*c/.test(a.value));
        const next = shift(c, i, name, wipes ? { cleared: ['*'] } : undefined);
        if (!next) {
          emit(c, ctx);
          return;
        }
        c = next;
        continue;
      }
      case 'trap': {
        // `trap 'CODE' SIGNAL…`: CODE runs later, when the signal comes (or the shell exits).
        emit(c, ctx);
        const code = args[0] && args[0].value !== '-' && !args[0].value.startsWith('-') && args.length > 1 ? args[0] : undefined;
        if (code && code.value.trim()) parseNested(code.value.split(DYN).join('"$UNKNOWN"'), ctx, 'trap');
        return;
      }
      case 'timeout': {
        const i = skipOptions(args, 0, VALUE_OPTS.timeout);
        const next = shift(c, i + 1, 'timeout');
        if (!next) return emit(c, ctx);
        c = next;
        continue;
      }
      case 'flock': {
        const i = skipOptions(args, 0, VALUE_OPTS.flock);
        const j = i + 1;
        if (args[j] && (args[j].value === '-c' || args[j].value === '--command') && args[j + 1]) {
          parseNested(args[j + 1].value, ctx, 'flock -c');
          return;
        }
        const next = shift(c, j, 'flock');
        if (!next) return emit(c, ctx);
        c = next;
        continue;
      }
      case 'env': {
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
            return;
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
        if (!next) return emit(c, ctx);
        c = next;
        continue;
      }
      case 'xargs': {
        let replace: string | undefined;
        let i = 0;
        while (i < args.length) {
          const v = args[i].value;
          if (v === '--') {
            i++;
            break;
          }
          if (!v.startsWith('-')) break;
          if (v === '-I' || v === '--replace') {
            replace = args[i + 1]?.value;
            i += 2;
            continue;
          }
          if (v.startsWith('-I') || v.startsWith('--replace=')) {
            replace = v.startsWith('-I') ? v.slice(2) : v.slice(10);
            i++;
            continue;
          }
          if (v === '-i') {
            replace = '{}';
            i++;
            continue;
          }
          i += VALUE_OPTS.xargs.has(v) ? 2 : 1;
        }
        const inner = args.slice(i);
        if (inner.length === 0) return;
        let innerArgs: Word[];
        if (replace) {
          innerArgs = inner.map((w) => (w.value.includes(replace!) ? { value: w.value.split(replace!).join(DYN), raw: w.raw } : w));
        } else {
          innerArgs = [...inner, { value: DYN, raw: '<xargs input>' }];
        }
        const next: SimpleCommand = { ...c, name: innerArgs[0].value, args: innerArgs.slice(1), via: [...c.via, 'xargs'], dynamicArgs: true, stdin: undefined };
        if (SHELLS.has(basename(next.name))) {
          // `xargs sh -c '…'`: the script is static, its arguments dynamic.
        }
        c = next;
        continue;
      }
      case 'parallel': {
        const i = skipOptions(args, 0, VALUE_OPTS.parallel);
        let end = args.findIndex((a: Word, k: number) => k >= i && /^:::[+:]?$|^::::$/.test(a.value));
        if (end < 0) end = args.length;
        let inner: Word[] = args.slice(i, end).map((w: Word): Word => (w.value.includes('{}') ? { value: w.value.split('{}').join(DYN), raw: w.raw } : w));
        if (inner.length === 0) return;
        if (inner.length === 1 && /\s/.test(inner[0].value)) {
          parseNested(inner[0].value.split(DYN).join('"$PARALLEL_ARG"'), ctx, 'parallel');
          return;
        }
        if (!inner.some((w) => w.value.includes(DYN))) inner = [...inner, { value: DYN, raw: '<parallel input>' }];
        c = { ...c, name: inner[0].value, args: inner.slice(1), via: [...c.via, 'parallel'], dynamicArgs: true };
        continue;
      }
      case 'find':
      case 'fd':
      case 'fdfind': {
        emit(c, ctx);
        unwrapFindExec(c, ctx, name);
        return;
      }
      case 'watch': {
        const i = skipOptions(args, 0, VALUE_OPTS.watch);
        const rest = args.slice(i);
        if (rest.length === 0) return emit(c, ctx);
        if (args.some((a) => a.value === '-x' || a.value === '--exec')) {
          c = { ...c, name: rest[0].value, args: rest.slice(1), via: [...c.via, 'watch'] };
          continue;
        }
        parseNested(wordsToScript(rest, false), ctx, 'watch');
        return;
      }
      case 'eval': {
        if (args.some((a) => a.value.includes(DYN))) {
          ctx.out.unanalysable.push({ reason: 'eval runs text that is only known when it runs', text: c.raw });
        }
        const text = args.map((a) => a.value.split(DYN).join(' ')).join(' ');
        if (text.trim()) parseNested(text, ctx, 'eval', c.stdin);
        return;
      }
      case 'source':
      case '.': {
        const file = args[0];
        if (file && (file.value.includes(DYN) && /^[<>]\(/.test(file.raw))) {
          ctx.out.unanalysable.push({ reason: `it sources the output of ${file.raw.slice(0, 60)}, which is only known when it runs`, text: c.raw });
        } else if (file && /^\/dev\/(stdin|fd\/0)$/.test(file.value)) {
          stdinScript(c, ctx, name, 'source');
        }
        emit(c, ctx);
        return;
      }
      case 'ssh': {
        const i = skipOptions(args, 0, VALUE_OPTS.ssh, false);
        const host = args[i];
        const rest = args.slice(i + 1);
        emit(c, ctx);
        if (host && rest.length > 0) parseNested(rest.map((w) => (w.value.includes(DYN) ? w.raw : w.value)).join(' '), ctx, `ssh ${host.value}`);
        else if (host && c.stdin) stdinScript(c, ctx, `ssh ${host.value}`, `ssh ${host.value}`);
        return;
      }
      case 'kubectl':
      case 'oc': {
        if (args[0]?.value === 'exec' || args[0]?.value === 'debug') {
          const dd = args.findIndex((a) => a.value === '--');
          emit(c, ctx);
          if (dd >= 0 && dd + 1 < args.length) {
            c = { ...c, name: args[dd + 1].value, args: args.slice(dd + 2), via: [...c.via, `${name} exec`] };
            continue;
          }
          return;
        }
        break;
      }
      case 'docker':
      case 'podman':
      case 'nerdctl': {
        let k = 0;
        if (args[0]?.value === 'compose') k = 1;
        if (args[k]?.value === 'exec' || (k === 1 && args[k]?.value === 'run')) {
          const i = skipOptions(args, k + 1, VALUE_OPTS.docker_exec, false);
          const next = shift(c, i + 1, `${name} exec`);
          emit(c, ctx);
          if (!next) return;
          c = next;
          continue;
        }
        break;
      }
      case 'docker-compose': {
        if (args[0]?.value === 'exec' || args[0]?.value === 'run') {
          const i = skipOptions(args, 1, VALUE_OPTS.docker_exec, false);
          const next = shift(c, i + 1, 'docker-compose exec');
          emit(c, ctx);
          if (!next) return;
          c = next;
          continue;
        }
        break;
      }
    }

    if (SHELLS.has(name)) {
      unwrapShell(c, ctx, name);
      return;
    }
    if (RUNNERS.has(name)) {
      const next = unwrapRunner(c, name);
      if (next) {
        c = next;
        continue;
      }
    }
    const lang = INTERPRETERS[name] ?? (/^python\d(\.\d+)?$/.test(name) ? 'python' : undefined);
    if (lang) {
      emit(c, ctx);
      unwrapInterpreter(c, ctx, name, lang);
      return;
    }
    emit(c, ctx);
    return;
  }
  if (c) emit(c, ctx);
}

function unwrapShell(c: SimpleCommand, ctx: WalkContext, name: string): void {
  const args = c.args;
  let i = 0;
  let script: Word | undefined;
  let hasC = false;
  let stdinMode = false;
  if (name === 'busybox') {
    if (args[0] && SHELLS.has(args[0].value)) {
      unwrapShell({ ...c, name: args[0].value, args: args.slice(1) }, ctx, args[0].value);
    } else if (args[0]) {
      unwrapCommand({ ...c, name: args[0].value, args: args.slice(1), via: [...c.via, 'busybox'] }, ctx);
    }
    return;
  }
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--' || v === '-') {
      i++;
      if (v === '-') stdinMode = true;
      break;
    }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v) || v === '--command') {
      hasC = true;
      i++;
      continue;
    }
    if (v === '-o' || v === '+o' || v === '--rcfile' || v === '--init-file' || v === '-O' || v === '+O') {
      i += 2;
      continue;
    }
    if (/^[-+]/.test(v)) {
      if (/^-[a-zA-Z]*s/.test(v)) stdinMode = true;
      i++;
      continue;
    }
    break;
  }
  if (hasC) {
    script = args[i];
    emit(c, ctx);
    if (!script) return;
    if (script.value.includes(DYN) && script.value.replace(new RegExp(DYN, 'g'), '').trim() === '') {
      ctx.out.unanalysable.push({ reason: `${name} -c runs ${script.raw}, which is only known when it runs`, text: c.raw });
      return;
    }
    const text = script.value.split(DYN).join('"$UNKNOWN"');
    parseNested(text, ctx, `${name} -c`);
    return;
  }
  emit(c, ctx);
  const file = args[i];
  if (file && !stdinMode) {
    if (file.value.includes(DYN) && /^[<>]\(/.test(file.raw)) {
      ctx.out.unanalysable.push({ reason: `${name} runs the output of ${file.raw.slice(0, 80)}, which is only known when it runs`, text: c.raw });
    } else if (/^\/dev\/(stdin|fd\/0)$/.test(file.value)) {
      stdinScript(c, ctx, name, name);
    }
    return;
  }
  stdinScript(c, ctx, `${name} (stdin)`, name);
}

function unwrapFindExec(c: SimpleCommand, ctx: WalkContext, name: string): void {
  const args = c.args;
  const roots: string[] = [];
  for (const a of args) {
    if (a.value.startsWith('-') || a.value === '(' || a.value === '!') break;
    roots.push(a.value);
  }
  const root = name === 'find' ? roots[0] ?? '.' : '.';
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-exec' || v === '-execdir' || v === '-ok' || v === '-okdir' || ((name === 'fd' || name === 'fdfind') && (v === '-x' || v === '--exec' || v === '-X' || v === '--exec-batch'))) {
      let j = i + 1;
      const inner: Word[] = [];
      while (j < args.length && args[j].value !== ';' && args[j].value !== '+') {
        const w = args[j];
        inner.push(w.value.includes('{}') ? { value: w.value.split('{}').join(root.replace(/\/$/, '') + '/' + DYN), raw: w.raw } : w);
        j++;
      }
      if (inner.length > 0 && /^(?:rm|unlink|shred|rimraf|srm)$/.test(basename(inner[0].value))) {
        // `find … -exec rm {} \;` deletes what find matches: judge it like `find … -delete`.
        emit({ ...c, args: [...args.slice(0, i), { value: '-delete', raw: `-exec ${inner[0].value}` }], via: [...c.via, `${name} ${v} ${inner[0].value}`] }, ctx);
      } else if (inner.length > 0) {
        if (!inner.slice(1).some((w) => w.value.includes(DYN))) inner.push({ value: root.replace(/\/$/, '') + '/' + DYN, raw: '{}' });
        unwrapCommand({ ...c, name: inner[0].value, args: inner.slice(1), via: [...c.via, `${name} ${v}`], dynamicArgs: true }, ctx);
      }
      i = j;
    }
  }
}

function unwrapRunner(c: SimpleCommand, name: string): SimpleCommand | undefined {
  const args = c.args;
  const v0 = args[0]?.value;
  const toolAt = (i: number, label: string): SimpleCommand | undefined => {
    const next = shift(c, i, label);
    return next;
  };
  switch (name) {
    case 'npx':
    case 'pnpx':
    case 'bunx':
    case 'uvx':
    case 'pipx': {
      let i = name === 'pipx' ? (v0 === 'run' ? 1 : -1) : 0;
      if (i < 0) return undefined;
      i = skipOptions(args, i, VALUE_OPTS.npx);
      return toolAt(i, name);
    }
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun': {
      if (v0 === 'exec' || v0 === 'dlx' || v0 === 'x') return toolAt(skipOptions(args, 1, VALUE_OPTS.npx), `${name} ${v0}`);
      if (name !== 'npm' && v0 && KNOWN_TOOLS.has(v0)) return toolAt(0, name);
      return undefined;
    }
    case 'bundle':
    case 'poetry':
    case 'uv':
    case 'pipenv':
    case 'pdm':
    case 'hatch':
    case 'rye':
    case 'devbox':
    case 'mise':
    case 'rtx':
    case 'asdf': {
      if (v0 === 'exec' || v0 === 'run' || v0 === 'x') return toolAt(skipOptions(args, 1, new Set(['--with', '-p', '--python', '--env', '-e'])), `${name} ${v0}`);
      return undefined;
    }
    case 'cross-env':
    case 'with-contenv': {
      let i = 0;
      const assignments = { ...c.assignments };
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i].value)) {
        const v = args[i].value;
        assignments[v.slice(0, v.indexOf('='))] = v.slice(v.indexOf('=') + 1);
        i++;
      }
      return shift(c, i, name, { assignments });
    }
    case 'dotenv':
    case 'doppler':
    case 'op':
    case 'infisical':
    case 'aws-vault':
    case 'envchain':
    case 'sops':
    case 'chamber':
    case 'direnv':
    case 'nix-shell': {
      const dd = args.findIndex((a) => a.value === '--');
      if (dd >= 0) {
        const extra: Partial<SimpleCommand> = {};
        if (name === 'aws-vault' && args[1]) extra.assignments = { ...c.assignments, AWS_PROFILE: args[1].value };
        if (name === 'dotenv') {
          const e = args.findIndex((a) => a.value === '-e');
          if (e >= 0 && args[e + 1]) extra.assignments = { ...c.assignments, DOTENV_FILE: args[e + 1].value };
        }
        return shift(c, dd + 1, name, extra);
      }
      if (name === 'direnv' && v0 === 'exec') return shift(c, 2, 'direnv exec');
      return undefined;
    }
  }
  return undefined;
}

/** Tools that package runners commonly start and that the rules know about. */
const KNOWN_TOOLS = new Set([
  'prisma', 'drizzle-kit', 'sequelize', 'sequelize-cli', 'typeorm', 'knex', 'supabase', 'vercel', 'netlify', 'wrangler', 'cdk', 'cdktf',
  'serverless', 'sls', 'rimraf', 'del-cli', 'firebase', 'railway', 'neonctl', 'neon', 'pscale', 'fly', 'flyctl', 'heroku', 'rails', 'rake',
  'terraform', 'pulumi', 'kubectl', 'helm', 'aws', 'gcloud', 'az', 'mikro-orm', 'node-pg-migrate', 'db-migrate', 'mongosh', 'redis-cli', 'render', 'convex', 'amplify',
]);

function unwrapInterpreter(c: SimpleCommand, ctx: WalkContext, name: string, lang: CodeLang): void {
  const args = c.args;
  let code: string | undefined;
  let label = name;
  if (name === 'deno') {
    if (args[0]?.value === 'eval') {
      const i = skipOptions(args, 1, new Set());
      code = args[i]?.value;
      label = 'deno eval';
    }
  } else {
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      const isFlag =
        (lang === 'python' && /^-[a-zA-Z]*c$/.test(v)) ||
        (lang === 'js' && (v === '-e' || v === '--eval' || v === '-p' || v === '--print' || v === '-pe')) ||
        ((lang === 'perl' || lang === 'ruby') && /^-[a-zA-Z]*[eE]$/.test(v)) ||
        (lang === 'php' && v === '-r');
      if (isFlag && args[i + 1]) {
        code = (code ? code + '\n' : '') + args[i + 1].value;
        label = `${name} ${v}`;
        if (lang !== 'perl' && lang !== 'ruby') break;
        i++;
        continue;
      }
      if (v.startsWith('--eval=')) {
        code = v.slice(7);
        label = `${name} --eval`;
        break;
      }
      if (!v.startsWith('-') && lang !== 'perl' && lang !== 'ruby') break; // a script file: its arguments are not ours
      if (v === '-' ) break;
    }
    if (code === undefined && c.stdin && c.stdin.kind === 'literal' && !args.some((a) => !a.value.startsWith('-'))) {
      code = c.stdin.text;
      label = `${name} (stdin)`;
    } else if (code === undefined && c.stdin && (c.stdin.kind === 'remote' || c.stdin.kind === 'decoded') && !args.some((a) => !a.value.startsWith('-'))) {
      stdinScript(c, ctx, name, name);
    }
  }
  if (!code) return;
  const script = codeToShell(lang, code.split(DYN).join('__dynamic__'));
  if (script.unanalysable) ctx.out.unanalysable.push({ reason: script.unanalysable, text: c.raw });
  if (script.lines.length > 0) parseNested(script.lines.join('\n'), ctx, label);
}

export type { Stdin };
