/**
 * Package runners and environment loaders that start a named tool: `npx`, `bunx`, `pnpm dlx`,
 * `yarn dlx`, `npm exec --`, `uvx`, `pipx run`, `poetry run`, `dotenv --`, `doppler run --`,
 * `aws-vault exec`, `cross-env`… A package spec is mapped to the tool it runs
 * (`@railway/cli@latest` → railway). `npm run NAME` is followed into package.json (follow/packages.ts).
 */
import { DYN, type SimpleCommand } from '../model';
import { shift, skipOptions, VALUE_OPTS } from '../wrapkit';

/** JS package runners and task runners that run a named tool: `npx prisma …`. */
export const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm', 'npm', 'bun', 'bundle', 'poetry', 'uv', 'uvx', 'pipenv', 'pdm', 'hatch', 'rye', 'pipx', 'dotenv', 'cross-env', 'doppler', 'op', 'infisical', 'aws-vault', 'direnv', 'nix-shell', 'devbox', 'mise', 'asdf', 'rtx', 'with-contenv', 'envchain', 'sops', 'chamber']);

export function unwrapRunner(c: SimpleCommand, name: string): SimpleCommand | undefined {
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
