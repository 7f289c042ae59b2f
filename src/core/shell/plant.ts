/**
 * Files whose content runs later as commands: shell start-up files, direnv's .envrc, git and
 * husky hooks, package scripts, Makefiles, task files, cron tables, autostart and systemd
 * units. A write to one plants a command that runs without a check.
 */
import { posix } from 'node:path';

/**
 * Substrings of every path `plantedWhere` recognises, for a cheap first look (the gates'
 * prefilter sends any line naming one to the engine).
 */
export const PLANT_NAMES: readonly string[] = [
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zshenv', '.zprofile', '.zlogin', '.zlogout',
  '.kshrc', '.mkshrc', '.cshrc', '.tcshrc', '.login', 'config.fish', 'conf.d/', 'autostart/', 'systemd/', '/etc/', '/var/spool/cron',
  '.envrc', '.git/hooks', '.husky', 'package.json', 'akefile', 'justfile', 'Justfile', 'Taskfile', 'composer.json', 'tasks.json',
];

/** What runs a planted file, or undefined when the path is not one. `abs` is absolute. */
export function plantedWhere(abs: string, home: string | undefined): string | undefined {
  const base = posix.basename(abs);
  const h = home?.replace(/\/$/, '');
  const inHome = h !== undefined && abs.startsWith(h + '/');
  const rel = inHome ? abs.slice(h!.length + 1) : undefined;
  if (rel !== undefined) {
    if (/^\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|kshrc|mkshrc|cshrc|tcshrc|login)$/.test(rel)) return 'every new shell';
    if (/^\.config\/fish\/(?:config\.fish|conf\.d\/.+)$/.test(rel)) return 'every new fish shell';
    if (/^\.config\/(?:autostart\/.+|systemd\/user\/.+)$/.test(rel)) return 'the next login';
  }
  if (/^\/etc\/(?:profile|bash\.bashrc|bashrc|zshrc|zsh\/.+|profile\.d\/.+|environment)$/.test(abs)) return 'every new shell';
  if (/^\/etc\/(?:cron\.[^/]+\/.+|crontab)$|^\/var\/spool\/cron\//.test(abs)) return 'cron';
  if (/^\/etc\/systemd\/system\/.+|^\/etc\/init\.d\/.+|^\/etc\/rc\.local$/.test(abs)) return 'the system at boot';
  if (base === '.envrc') return 'direnv on entering the folder';
  if (/\/\.git\/hooks\/[^/]+$/.test(abs) && !base.endsWith('.sample')) return `git (the ${base} hook)`;
  if (/\/\.husky\/[^/_][^/]*$/.test(abs)) return `git (the husky ${base} hook)`;
  if (base === 'package.json') return 'npm scripts and install';
  if (/^(?:GNUmakefile|makefile|Makefile|justfile|Justfile|Taskfile\.ya?ml|composer\.json)$/.test(base)) return `the next ${base === 'composer.json' ? 'composer' : base.toLowerCase().startsWith('task') ? 'task' : base.toLowerCase().includes('just') ? 'just' : 'make'} run`;
  if (/\/\.vscode\/tasks\.json$/.test(abs)) return 'VS Code tasks (some run on folder open)';
  return undefined;
}
