/**
 * The fixture folders of test/fixtures/targets, copied to a temporary folder, behind a
 * workspace engine (policy, resolver, rules) as the extension builds it. Shared by the
 * target tests and the target rates benchmark.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspaceEngine, type WorkspaceEngine } from '../../../src/core/workspaceEngine';
import type { PolicyInput } from '../../../src/core/policy';
import type { Verdict } from '../../../src/core/types';

export type WorkspaceName = 'dev-ws' | 'prod-ws' | 'unknown-ws';
export type HomeName = 'home-dev' | 'home-prod' | 'home-empty';

function fixturesDir(): string {
  for (const d of [path.resolve(__dirname, '../../../../test/fixtures/targets'), path.resolve(__dirname, '../../fixtures/targets')]) {
    if (fs.existsSync(path.join(d, 'README.md'))) return d;
  }
  throw new Error('test/fixtures/targets not found');
}

/** The production placement a team would write: its AWS account and its Supabase project. */
export const PROD_POLICY: PolicyInput = { environments: { production: { resources: ['999999999999', 'abcdefghijklmnopqrst'] } } };

export interface Place {
  ws: WorkspaceName;
  home: HomeName;
  policy?: PolicyInput;
  /** Railway's linked environment for the workspace (written to ~/.railway/config.json). */
  railway?: string;
  /** A git remote `heroku` pointing at this app. */
  heroku?: string;
  /** The workspace policy file's content. */
  workspacePolicy?: PolicyInput;
}

export interface TargetWorld {
  ws: string;
  home: string;
  engine: WorkspaceEngine;
  check(command: string, env?: Record<string, string | undefined>): Verdict;
  cleanup(): void;
}

export async function targetWorld(p: Place): Promise<TargetWorld> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-targets-'));
  const src = fixturesDir();
  const ws = path.join(root, p.ws);
  const home = path.join(root, p.home);
  fs.cpSync(path.join(src, p.ws), ws, { recursive: true });
  fs.cpSync(path.join(src, p.home), home, { recursive: true });
  if (p.railway) {
    fs.mkdirSync(path.join(home, '.railway'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.railway', 'config.json'),
      JSON.stringify({ projects: { [ws]: { projectPath: ws, name: 'acme', project: 'p-123', environment: 'e-456', environmentName: p.railway } } }),
    );
  }
  if (p.heroku) {
    fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.git', 'config'), `[core]\n\tbare = false\n[remote "heroku"]\n\turl = https://git.heroku.com/${p.heroku}.git\n`);
  }
  if (p.workspacePolicy) {
    fs.mkdirSync(path.join(ws, '.twokey'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.twokey', 'policy.json'), JSON.stringify(p.workspacePolicy));
  }
  const readFile = (f: string): string | undefined => {
    try {
      return fs.readFileSync(path.resolve(ws, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  const engine = await createWorkspaceEngine({ workspaceRoot: ws, trusted: true, user: p.policy, homeDir: home, hostEnv: {}, readFile });
  return {
    ws,
    home,
    engine,
    check: (command, env) => engine.engine.check({ command, cwd: ws, workspaceRoot: ws, home, env: env ?? {} }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export interface TargetCase {
  command: string;
  where: 'production' | 'development';
  kind: 'change' | 'read';
  expect: 'ask' | 'allow';
  /** What a person types to confirm, when the target has a name. */
  confirm?: string;
}

function corpusFile(name: string): string {
  for (const d of [path.resolve(__dirname, '../../../../test/corpus'), path.resolve(__dirname, '../../corpus')]) {
    const f = path.join(d, name);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`test/corpus/${name} not found`);
}

export function loadTargetCorpus(): TargetCase[] {
  return fs
    .readFileSync(corpusFile('targets/production-changes.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TargetCase);
}

export function loadEveryday(): string[] {
  return fs
    .readFileSync(corpusFile('corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { command: string; kind: string })
    .filter((c) => c.kind === 'everyday')
    .map((c) => c.command);
}

/** The production context: production .env, kubeconfig, AWS account, Terraform workspace, Fly app, Railway and Heroku links. */
export const PRODUCTION: Place = { ws: 'prod-ws', home: 'home-prod', policy: PROD_POLICY, railway: 'production', heroku: 'acme-api-prod' };
/** A development workspace on a machine that also holds production contexts (kubeconfig, AWS profiles). */
export const DEVELOPMENT: Place = { ws: 'dev-ws', home: 'home-dev', policy: PROD_POLICY, railway: 'development' };
/** A workspace and a machine where nothing names an environment. */
export const UNKNOWN: Place = { ws: 'unknown-ws', home: 'home-empty' };

export interface Rates {
  total: number;
  prompted: string[];
}

export function rate(world: TargetWorld, commands: readonly string[], prompted: (v: Verdict) => boolean = (v) => v.decision !== 'allow'): Rates {
  const out: string[] = [];
  for (const c of commands) {
    const v = world.check(c);
    if (prompted(v)) out.push(`${c} → ${v.decision} ${v.environment} (${v.rules.join(',')})`);
  }
  return { total: commands.length, prompted: out };
}
