/**
 * Looks through wrappers to the command that really runs. A command word that is a path is
 * followed into its file; same-line aliases are expanded; every wrapper with its own
 * unwrapper (sudo, env, timeout, flock, xargs, find -exec, eval, source, make, ssh, kubectl,
 * docker, su, tmux, at…) is looked up by name in wrappers.ts; shells (`sh -c`, `bash FILE`),
 * package scripts (`npm run`), package runners (`npx`) and interpreters (`python -c`,
 * `python3 FILE`) are handled here.
 */
import { DYN, type SimpleCommand, type Stdin, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { codeToShell, type CodeLang } from './code';
import { basename, shift, skipOptions, stdinScript, VALUE_OPTS, wordsToScript } from './wrapkit';
import { UNWRAPPERS, type Unwrapper } from './wrappers';
import { followPackageScripts, followScript } from './follow';

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox', 'rbash', 'yash', 'csh', 'tcsh']);

export const INTERPRETERS: Record<string, CodeLang> = {
  python: 'python', python2: 'python', python3: 'python', pypy: 'python', pypy3: 'python', ipython: 'python',
  node: 'js', nodejs: 'js', bun: 'js', deno: 'js', tsx: 'js', 'ts-node': 'js',
  perl: 'perl', ruby: 'ruby', php: 'php',
};

/** JS package runners and task runners that run a named tool: `npx prisma …`. */
export const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm', 'npm', 'bun', 'bundle', 'poetry', 'uv', 'uvx', 'pipenv', 'pdm', 'hatch', 'rye', 'pipx', 'dotenv', 'cross-env', 'doppler', 'op', 'infisical', 'aws-vault', 'direnv', 'nix-shell', 'devbox', 'mise', 'asdf', 'rtx', 'with-contenv', 'envchain', 'sops', 'chamber']);

/**
 * Command words the analysis looks through or follows (wrappers, shells, runners,
 * interpreters, package tools): with the rule packs' names, the words a shell-side prefilter
 * must send to the engine.
 */
export function wrapperWords(): string[] {
  return [...new Set([...Object.keys(UNWRAPPERS), ...SHELLS, ...RUNNERS, ...Object.keys(INTERPRETERS)])].sort();
}

export function unwrapCommand(input: SimpleCommand, ctx: WalkContext): void {
  let c: SimpleCommand | undefined = input;
  for (let guard = 0; c && guard < 16; guard++) {
    const name = basename(c.name);
    if (name !== c.name && isScriptPath(c.name) && !c.via.includes(c.name)) {
      // `./x.sh`, `scripts/wipe`, `~/.local/bin/tool`: the file itself is what runs.
      const file: Word = { value: c.name, raw: c.name };
      const withArgs = { ...c, name };
      if (followScript(withArgs, ctx, file, c.name, undefined)) {
        emit(withArgs, ctx);
        return;
      }
    }
    if (name !== c.name) c = { ...c, name };
    const args: Word[] = c.args;

    // Same-line alias: `alias r='rm -rf'; r src`.
    const alias = ctx.aliases.get(name);
    if (alias !== undefined && !c.via.includes(`alias ${name}`)) {
      parseNested(alias + ' ' + wordsToScript(args, true), ctx, `alias ${name}`, c.stdin);
      return;
    }

    const unwrapper: Unwrapper | undefined = UNWRAPPERS[name];
    if (unwrapper) {
      const r: SimpleCommand | 'done' | undefined = unwrapper(c, ctx);
      if (r === 'done') return;
      if (r) {
        c = r;
        continue;
      }
    }


    if (SHELLS.has(name)) {
      unwrapShell(c, ctx, name);
      return;
    }
    // `bun -e CODE` / `bun x.ts` run code (the interpreter below), not a package script.
    const bunCode = name === 'bun' && (c.args.some((a) => /^(?:-e|--eval|-p|--print)$/.test(a.value)) || /\.[cm]?[jt]sx?$/.test(c.args[0]?.value ?? ''));
    if ((name === 'npm' || name === 'pnpm' || name === 'yarn' || (name === 'bun' && !bunCode)) && followPackageScripts(c, ctx, name)) {
      emit(c, ctx);
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

/** A command word naming a file to run (not a system program looked up by its full path). */
function isScriptPath(name: string): boolean {
  if (name.includes(DYN) || name.startsWith('\\') || name.endsWith('/')) return false;
  if (/^\/(?:usr\/)?(?:local\/)?s?bin\/|^\/opt\/homebrew\/|^\/nix\/|^\/snap\/bin\/|(?:^|\/)node_modules\/\.bin\//.test(name)) return false;
  return name.includes('/');
}

/** Index of the script file an interpreter runs (`python3 -u x.py a b`), or -1 (`-m mod`, `-c`, stdin). */
function scriptFileIndex(args: Word[], lang: CodeLang): number {
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '--') return i + 1 < args.length ? i + 1 : -1;
    if (v === '-') return -1;
    if (lang === 'python' && (v === '-m' || /^-[a-zA-Z]*m$/.test(v))) return -1;
    if (lang === 'js' && (v === 'run' || v === 'test' || v === 'eval' || v === 'repl' || v === 'install' || v === 'add' || v === 'x')) {
      if (v !== 'run') return -1;
      continue;
    }
    if (v.startsWith('-')) {
      if ((lang === 'python' && /^-[WXQ]$/.test(v)) || (lang === 'js' && /^(?:-r|--require|--import|--loader|--env-file|-C|--conditions)$/.test(v)) || (lang === 'ruby' && /^-[rIC]$/.test(v)) || (lang === 'perl' && /^-[IM]$/.test(v))) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Runs `f` with $1…$9 and $# bound to a script's arguments (restored after). */
function withPositional(ctx: WalkContext, args: Word[], f: () => void): void {
  const keys = ['#', '@', '*', ...Array.from({ length: 9 }, (_x, i) => String(i + 1))];
  const saved = keys.map((k) => ctx.vars.get(k));
  keys.forEach((k) => ctx.vars.delete(k));
  const known = !args.some((a) => a.value.includes(DYN));
  ctx.vars.set('#', String(args.length));
  args.slice(0, 9).forEach((a, i) => ctx.vars.set(String(i + 1), a.value));
  if (known) {
    ctx.vars.set('*', args.map((a) => a.value).join(' '));
    ctx.vars.set('@', args.map((a) => a.value).join(' '));
  }
  try {
    f();
  } finally {
    keys.forEach((k, i) => (saved[i] === undefined ? ctx.vars.delete(k) : ctx.vars.set(k, saved[i]!)));
  }
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
    } else {
      withPositional(ctx, args.slice(i + 1), () => followScript({ ...c, args: args.slice(i + 1) }, ctx, file, `${name} ${file.raw}`, 'shell'));
    }
    return;
  }
  stdinScript(c, ctx, `${name} (stdin)`, name);
}

function unwrapRunner(c: SimpleCommand, name: string): SimpleCommand | undefined {
  const args = c.args;
  const v0 = args[0]?.value;
  const toolAt = (i: number, label: string): SimpleCommand | undefined => {
    const next = shift(c, i, label);
    return next ? { ...next, name: toolOfPackage(next.name) } : next;
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

/** npm packages whose command has another name. */
const PACKAGE_TOOL: Record<string, string> = {
  'firebase-tools': 'firebase', 'aws-cdk': 'cdk', 'cdktf-cli': 'cdktf', 'netlify-cli': 'netlify', 'sequelize-cli': 'sequelize', 'del-cli': 'del-cli',
  '@railway/cli': 'railway', '@prisma/cli': 'prisma', '@cloudflare/wrangler': 'wrangler', '@mikro-orm/cli': 'mikro-orm', '@aws-amplify/cli': 'amplify',
  '@angular/cli': 'ng', '@nestjs/cli': 'nest', '@vercel/cli': 'vercel', '@supabase/cli': 'supabase', '@neondatabase/cli': 'neonctl', 'mongosh': 'mongosh',
  '@heroku-cli/plugin': 'heroku', 'heroku-cli': 'heroku', '@render/cli': 'render', 'trash-cli': 'trash', 'pscale-cli': 'pscale', '@planetscale/cli': 'pscale',
  'typeorm-ts-node-commonjs': 'typeorm', 'typeorm-ts-node-esm': 'typeorm', '@flydotio/cli': 'fly',
};

/**
 * The command a package runner starts for a package spec: `@railway/cli@latest` → railway,
 * `vercel@33` → vercel, `rimraf@5` → rimraf, `firebase-tools` → firebase.
 */
export function toolOfPackage(spec: string): string {
  if (spec.includes(DYN)) return spec;
  let s = spec.replace(/^npm:/, '');
  const at = s.indexOf('@', 1);
  if (at > 0) s = s.slice(0, at);
  if (PACKAGE_TOOL[s]) return PACKAGE_TOOL[s];
  const scoped = /^@([^/]+)\/(.+)$/.exec(s);
  if (scoped) return scoped[2] === 'cli' ? scoped[1] : scoped[2].replace(/-cli$/, '');
  return s;
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
    const fileAt = code === undefined ? scriptFileIndex(args, lang) : -1;
    if (fileAt >= 0) {
      const file = args[fileAt];
      withPositional(ctx, args.slice(fileAt + 1), () => followScript(c, ctx, file, `${name} ${file.raw}`, lang));
      return;
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
