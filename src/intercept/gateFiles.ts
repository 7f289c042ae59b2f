/**
 * The gate files a window's terminals run: copies of media/gate with the window's
 * configuration baked in (gate.conf.sh: the helper, the Node binary, the broker socket and
 * the key file, as read-only shell variables) and the prefilter's tables built from the
 * engine's own (src/core/rules/gateWords.ts). Nothing a shell's variables can say
 * (TWOKEY_NODE, TWOKEY_GATE_JS, TWOKEY_SOCKET…) changes what a gate runs or whom it asks.
 *
 * Written into a private folder (0700, checked with lstat) at every start; the paths stay
 * the same across reloads, so terminals revived by VS Code find them again. Pure Node, no
 * `vscode` import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prefilterTables } from '../core/rules/gateWords';
import { ensurePrivateDir } from './protocol';
import { singleQuote } from '../core/argv';
import { defaultPolicy } from '../core/policy/defaults';

export interface GateConfig {
  /** The Node binary (the editor's own, run with ELECTRON_RUN_AS_NODE=1). */
  node: string;
  /** dist/gate.js. */
  gateJs: string;
  /** The broker's socket. */
  socket: string;
  /** The file holding the window's key (rotated at every start; read at every request). */
  keyFile: string;
  /** The policy's protected variables: the prefilter sends every line that names one. */
  protectedVariables?: readonly string[];
  /** The PATH shims' folder: the gates keep it first on PATH before every line. */
  shimDir?: string;
  /** The user's own BASH_ENV and ZDOTDIR, which the gates replace and chain (baked: a shell's variables cannot point them elsewhere). */
  userBashEnv?: string;
  userZdotdir?: string;
}

export interface GateFiles {
  dir: string;
  /** Interactive bash: PROMPT_COMMAND sources it. */
  bashGate: string;
  /** Non-interactive bash: BASH_ENV. */
  bashEnv: string;
  /** zsh: ZDOTDIR. */
  zshDir: string;
  /** The policy's protected variables, one a line: re-read by the gates at every prompt. */
  protectedNames: string;
  /** Each gated shell's heartbeat: a file named by its pid, holding the count of its prompts. */
  beatDir: string;
}

/** The file names next to gate.conf.sh. */
export const PROTECTED_NAMES_FILE = 'protected-names';
export const BEAT_DIR = 'beat';

const ZSH_FILES = ['.zshenv', '.zprofile', '.zshrc', '.zlogin'];

const usablePath = (p: string | undefined): string => (p && !/[\n\0]/.test(p) ? p : '');

export function gateConfScript(cfg: GateConfig, dir?: string): string {
  for (const [k, v] of Object.entries({ node: cfg.node, gateJs: cfg.gateJs, socket: cfg.socket, keyFile: cfg.keyFile })) {
    if (!v || /[\n\0]/.test(v)) throw new Error(`gate configuration: ${k} is not a usable path`);
  }
  return [
    '# TwoKey gate configuration for this window, written by the extension at every start (edits are',
    '# lost). Sourced once per shell by the gate files next to it; read-only from then on.',
    `readonly __twokey_node=${singleQuote(cfg.node)}`,
    `readonly __twokey_js=${singleQuote(cfg.gateJs)}`,
    `readonly __twokey_sock=${singleQuote(cfg.socket)}`,
    `readonly __twokey_key=${singleQuote(cfg.keyFile)}`,
    `readonly __twokey_shimdir=${singleQuote(cfg.shimDir && !/[\n\0:]/.test(cfg.shimDir) ? cfg.shimDir : '')}`,
    `readonly __twokey_user_bash_env=${singleQuote(usablePath(cfg.userBashEnv))}`,
    `readonly __twokey_user_zdotdir=${singleQuote(usablePath(cfg.userZdotdir))}`,
    `readonly __twokey_protfile=${singleQuote(dir ? path.join(dir, PROTECTED_NAMES_FILE) : '')}`,
    `readonly __twokey_beatdir=${singleQuote(dir ? path.join(dir, BEAT_DIR) : '')}`,
    '',
  ].join('\n');
}

/** prefilter.sh with its tables replaced by the engine's. */
export function bakedPrefilter(source: string, protectedVariables?: readonly string[]): string {
  const begin = source.indexOf('# @tables-begin\n');
  const end = source.indexOf('# @tables-end\n');
  if (begin < 0 || end < begin) throw new Error('prefilter.sh has no tables to replace');
  return source.slice(0, begin + '# @tables-begin\n'.length) + prefilterTables(protectedVariables) + '\n' + source.slice(end);
}

/**
 * The protected variables as the gates' prefilter reads them at every prompt: the literal
 * prefix of each name (`TWOKEY_*` → `TWOKEY_`), one a line, none empty.
 */
export function protectedNamesText(protectedVariables: readonly string[] = []): string {
  const names = protectedVariables.map((v) => v.split('*')[0]).filter((v) => v.length >= 2 && /^[^'"\\*?[\]\s]+$/.test(v));
  return [...new Set(names)].join('\n');
}

/** Rewrites the protected names (a policy reload): gated terminals use them from their next prompt. */
export function writeProtectedNames(dir: string, protectedVariables: readonly string[] | undefined): void {
  const file = path.join(dir, PROTECTED_NAMES_FILE);
  const text = protectedNamesText(protectedVariables);
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    /* not written yet */
  }
  writeAtomic(file, text);
}

function writeAtomic(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/**
 * Writes the gate files for one window into `dir` (created private), from the media folder
 * `mediaGate` (media/gate of the extension).
 */
export function writeGateFiles(mediaGate: string, dir: string, cfg: GateConfig): GateFiles {
  ensurePrivateDir(dir);
  const zshDir = path.join(dir, 'zsh');
  fs.mkdirSync(zshDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(zshDir, 0o700);
  const beatDir = path.join(dir, BEAT_DIR);
  fs.mkdirSync(beatDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(beatDir, 0o700);
  writeAtomic(path.join(dir, 'gate.conf.sh'), gateConfScript(cfg, dir));
  writeProtectedNames(dir, cfg.protectedVariables ?? defaultPolicy().protectedVariables);
  writeAtomic(path.join(dir, 'prefilter.sh'), bakedPrefilter(fs.readFileSync(path.join(mediaGate, 'prefilter.sh'), 'utf8'), cfg.protectedVariables));
  for (const f of ['bash-gate.sh', 'bash-env.sh']) writeAtomic(path.join(dir, f), fs.readFileSync(path.join(mediaGate, f), 'utf8'));
  for (const f of ZSH_FILES) writeAtomic(path.join(zshDir, f), fs.readFileSync(path.join(mediaGate, 'zsh', f), 'utf8'));
  return { dir, bashGate: path.join(dir, 'bash-gate.sh'), bashEnv: path.join(dir, 'bash-env.sh'), zshDir, protectedNames: path.join(dir, PROTECTED_NAMES_FILE), beatDir };
}
