/** Git pack: force pushes, hard resets, clean, discarding work, branch/stash/history destruction. */
import type { RuleHit } from '../types';
import { hit, positionals, type Rule } from './util';

const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

const PROTECTED = /^(?:main|master|trunk|prod|production|release|releases\/.*|live|stable|develop)$/;

const git: Rule = (c) => {
  // Skip global options: git -C dir -c k=v <sub> …
  let i = 0;
  const a = c.args;
  while (i < a.length && a[i].value.startsWith('-')) i += GLOBAL_WITH_VALUE.has(a[i].value) ? 2 : 1;
  const sub = a[i]?.value;
  const rest = a.slice(i + 1);
  const vs = rest.map((w) => w.value);
  const hits: RuleHit[] = [];
  switch (sub) {
    case 'push': {
      const pos = positionals(rest, new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec']));
      const remote = pos[0]?.value;
      const refs = pos.slice(1).map((p) => p.value);
      const targets = [remote, ...refs].filter((x): x is string => !!x);
      const lease = vs.some((v) => v.startsWith('--force-with-lease') || v === '--force-if-includes');
      const force = vs.includes('--force') || vs.includes('-f') || vs.some((v) => /^-[a-zA-Z]*f[a-zA-Z]*$/.test(v) && !v.startsWith('--')) || refs.some((r) => r.startsWith('+'));
      const mirror = vs.includes('--mirror');
      const del = vs.includes('--delete') || vs.includes('-d') || refs.some((r) => r.startsWith(':') && r.length > 1) || vs.includes('--prune');
      const branchNames = refs.map((r) => r.replace(/^\+/, '').replace(/^:/, '').split(':').pop() ?? '');
      const prot = branchNames.find((b) => PROTECTED.test(b.replace(/^refs\/heads\//, '')));
      if (force || mirror) {
        hits.push(hit('git.push.force', 'git', prot ? 'critical' : 'high', `git push ${mirror ? '--mirror' : '--force'} rewrites the remote history of ${prot ?? (refs.join(', ') || 'the current branch')}${remote ? ` on ${remote}` : ''}, which can destroy other people's commits`, targets));
      } else if (lease) {
        hits.push(hit('git.push.force-with-lease', 'git', 'low', `git push --force-with-lease rewrites ${refs.join(', ') || 'the current branch'} only if nobody else pushed`, targets));
      }
      if (del) hits.push(hit('git.push.delete', 'git', prot ? 'critical' : 'high', `git push deletes the remote branch ${branchNames.join(', ') || '(pruned refs)'}${remote ? ` on ${remote}` : ''}`, targets));
      break;
    }
    case 'reset':
      if (vs.includes('--hard') || vs.includes('--merge') || vs.includes('--keep')) {
        if (vs.includes('--hard')) hits.push(hit('git.reset.hard', 'git', 'high', `git reset --hard ${positionals(rest).map((p) => p.value).join(' ') || 'HEAD'} throws away uncommitted changes${positionals(rest).length ? ' and moves the branch' : ''}`));
      }
      break;
    case 'clean': {
      const dry = vs.some((v) => v === '-n' || v === '--dry-run' || (/^-[a-zA-Z]+$/.test(v) && v.includes('n')));
      // `git -c clean.requireForce=false clean` needs no -f.
      const noForceNeeded = a.slice(0, i).some((w, k) => a[k - 1]?.value === '-c' && /^clean\.requireforce=(?:false|no|off|0)$/i.test(w.value));
      const force = noForceNeeded || vs.some((v) => v === '--force' || (/^-[a-zA-Z]+$/.test(v) && v.includes('f')));
      if (force && !dry) {
        const x = vs.some((v) => /^-[a-zA-Z]*[xX]/.test(v));
        hits.push(hit('git.clean.force', 'git', 'high', `git clean ${vs.filter((v) => v.startsWith('-')).join(' ')} permanently deletes untracked${x ? ' and ignored' : ''} files, which are not in git`));
      }
      break;
    }
    case 'checkout':
    case 'restore':
    case 'switch': {
      const dd = vs.indexOf('--');
      const paths = dd >= 0 ? vs.slice(dd + 1) : sub === 'restore' ? positionals(rest, new Set(['-s', '--source'])).map((p) => p.value) : [];
      const staged = sub === 'restore' && (vs.includes('--staged') || vs.includes('-S')) && !vs.includes('--worktree') && !vs.includes('-W');
      const wide = paths.some((p) => p === '.' || p === ':/' || p === '*' || p === './' || p === ':(top)');
      const force = (sub === 'checkout' && (vs.includes('-f') || vs.includes('--force'))) || (sub === 'switch' && (vs.includes('--discard-changes') || vs.includes('-f') || vs.includes('--force')));
      if (!staged && (wide || force || (sub === 'checkout' && dd < 0 && positionals(rest).some((p) => p.value === '.')))) {
        hits.push(hit('git.checkout.discard', 'git', 'high', `git ${sub} ${wide ? 'over the whole tree' : '--force'} discards uncommitted changes, which cannot be recovered`));
      } else if (!staged && sub !== 'switch') {
        // A folder or a glob (`git checkout '*.ts'`, `git checkout HEAD -- src`, `git restore src`) discards every uncommitted change under it.
        const spec = sub === 'checkout' && dd < 0 ? positionals(rest, new Set(['-b', '-B', '--orphan'])).map((p) => p.value).filter((p) => /[*?[]/.test(p)) : paths;
        const broad = spec.filter((p) => /[*?[]/.test(p) || p.endsWith('/') || !/\.[\w-]+$/.test(p.split('/').pop() ?? ''));
        if (broad.length) hits.push(hit('git.checkout.discard', 'git', 'high', `git ${sub} ${broad.join(' ')} discards every uncommitted change under ${broad.join(', ')}, which cannot be recovered`, broad));
      }
      break;
    }
    case 'branch': {
      const force = vs.includes('-D') || (vs.some((v) => v === '-d' || v === '--delete') && vs.some((v) => v === '-f' || v === '--force')) || vs.some((v) => /^-[a-zA-Z]*D/.test(v));
      if (force) {
        const names = positionals(rest).map((p) => p.value);
        hits.push(hit('git.branch.force-delete', 'git', 'high', `git branch -D deletes ${names.join(', ') || 'a branch'} even if it has unmerged commits`, names));
      }
      break;
    }
    case 'stash':
      if (vs[0] === 'drop' || vs[0] === 'clear') hits.push(hit('git.stash.drop', 'git', 'high', `git stash ${vs[0]} deletes stashed work${vs[0] === 'clear' ? ' (all stashes)' : ''}`));
      break;
    case 'filter-branch':
    case 'filter-repo':
      hits.push(hit('git.history.rewrite', 'git', 'high', `git ${sub} rewrites the whole history of the repository`));
      break;
    case 'reflog':
      if (vs[0] === 'expire' || vs[0] === 'delete') hits.push(hit('git.reflog.expire', 'git', 'high', `git reflog ${vs[0]} removes the safety net for recovering lost commits`));
      break;
    case 'gc':
      if (vs.some((v) => /^--prune(=now|=all)?$/.test(v) && v !== '--prune') || vs.includes('--prune=now')) hits.push(hit('git.gc.prune', 'git', 'high', 'git gc --prune=now permanently deletes unreachable commits'));
      break;
    case 'prune':
      if (vs.some((v) => v.startsWith('--expire'))) hits.push(hit('git.gc.prune', 'git', 'high', 'git prune --expire deletes unreachable commits'));
      break;
    case 'rm': {
      const cached = vs.includes('--cached');
      if (!cached && vs.some((v) => v === '-r' || (/^-[a-zA-Z]+$/.test(v) && v.includes('r')))) {
        const p = positionals(rest).map((w) => w.value);
        hits.push(hit('git.rm.recursive', 'git', 'high', `git rm -r ${p.join(' ')} deletes the files from the working tree, with any uncommitted changes in them`, p));
      }
      break;
    }
    case 'submodule':
      if (vs[0] === 'deinit' && vs.some((v) => v === '-f' || v === '--force' || v === '--all')) hits.push(hit('git.submodule.deinit', 'git', 'high', 'git submodule deinit -f removes submodule working trees, with their uncommitted changes'));
      break;
    case 'update-ref':
      if (vs.includes('-d')) hits.push(hit('git.update-ref.delete', 'git', 'high', `git update-ref -d deletes the ref ${positionals(rest).map((p) => p.value).join(' ')}`));
      break;
    case 'rebase':
      if (vs.includes('--root') && vs.some((v) => v === '--exec' || v === '-x')) hits.push(hit('git.history.rewrite', 'git', 'high', 'git rebase --root --exec rewrites every commit'));
      break;
    case 'tag':
      if (vs.includes('-d') || vs.includes('--delete')) hits.push(hit('git.tag.delete', 'git', 'low', 'git tag -d deletes a local tag'));
      break;
    case 'worktree':
      if (vs[0] === 'remove' && (vs.includes('--force') || vs.includes('-f'))) hits.push(hit('git.worktree.force-remove', 'git', 'high', 'git worktree remove --force deletes a worktree with uncommitted changes'));
      break;
  }
  return hits;
};

/** `gh repo delete`, `gh release delete`, `gh api -X DELETE` (the latter in http). */
const gh: Rule = (c) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'repo' && (vs[1] === 'delete' || vs[1] === 'archive')) {
    return hit('git.github.repo-delete', 'git', vs[1] === 'delete' ? 'critical' : 'high', `gh repo ${vs[1]} ${vs[2] && !vs[2].startsWith('-') ? vs[2] : 'the current repository'} on GitHub`, vs[2] && !vs[2].startsWith('-') ? [vs[2]] : undefined);
  }
  if ((vs[0] === 'release' || vs[0] === 'secret' || vs[0] === 'variable' || vs[0] === 'environment' || vs[0] === 'cache' || vs[0] === 'run') && vs[1] === 'delete') {
    return hit('git.github.delete', 'git', vs[0] === 'run' || vs[0] === 'cache' ? 'low' : 'high', `gh ${vs[0]} delete removes a GitHub ${vs[0]}`, vs[2] ? [vs[2]] : undefined);
  }
  if (vs[0] === 'auth' && (vs[1] === 'login' || vs[1] === 'switch' || vs[1] === 'token' && false)) {
    return hit('cred.context-switch', 'credentials', 'high', `gh auth ${vs[1]} changes which GitHub account later commands act as`);
  }
  return;
};

export const gitRules: Record<string, Rule[]> = { git: [git], gh: [gh], hub: [git] };
