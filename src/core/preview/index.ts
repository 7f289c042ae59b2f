/**
 * "What would be lost": computes the preview shown beside the approval modal from a
 * verdict and the request. Every step runs under one time limit; past it the preview is
 * returned as it stands, marked incomplete. The destructive command itself never runs:
 * git is only called through an allow-list of read-only subcommands (see budget.ts).
 */
import { maskSecrets } from '../redact';
import type { SimpleCommand } from '../shell/model';
import type { Verdict } from '../types';
import { Budget, GitError, TimeUp } from './budget';
import { gitInvocations, parseCommands, type GitInvocation } from './commands';
import { previewDeletes } from './deletes';
import { isDir, previewBranchDelete, previewClean, previewDiscard, previewForcePush, previewReset, type GitOutcome } from './git';
import { previewResources } from './resources';
import { INCOMPLETE_TIME, type Preview, type PreviewOptions, type PreviewRequest, type PreviewSection } from './types';

export type { Preview, PreviewOptions, PreviewRequest, PreviewSection } from './types';
export { INCOMPLETE_TIME } from './types';
export { isReadOnlyGit } from './budget';
export { cleanDryRunArgs } from './git';

const DEFAULT_LIMIT_MS = 3000;
const DEFAULT_MAX_ENTRIES = 200;
const DEFAULT_MAX_WALK = 200_000;
/** Past the time limit, how long the preview waits for steps to hand over what they found. */
const GRACE_MS = 50;

/** fs rules whose path targets are deleted or emptied whole. */
const WHOLE_DELETE = /^fs\.(?:rm\.|shred$|truncate$|mv\.dev-null$)/;
const RESOURCE = /^(?:cloud|paas|http|iac|k8s|db|container)\./;

type GitPreviewer = (inv: GitInvocation, ctx: { budget: Budget; maxEntries: number; maxWalk: number; gitPath?: string }) => Promise<GitOutcome>;

const GIT_PREVIEWS: Record<string, { subs: string[]; run: GitPreviewer }> = {
  'git.push.force': { subs: ['push'], run: previewForcePush },
  'git.reset.hard': { subs: ['reset'], run: previewReset },
  'git.clean.force': { subs: ['clean'], run: previewClean },
  'git.checkout.discard': { subs: ['checkout', 'restore', 'switch'], run: previewDiscard },
  'git.branch.force-delete': { subs: ['branch'], run: previewBranchDelete },
};

function shortCommand(command: string): string {
  const one = maskSecrets(command).replace(/\s+/g, ' ').trim();
  return one.length > 120 ? one.slice(0, 119) + '…' : one;
}

export async function computePreview(verdict: Verdict, req: PreviewRequest, opts: PreviewOptions = {}): Promise<Preview> {
  const limit = opts.timeLimitMs ?? DEFAULT_LIMIT_MS;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxWalk = opts.maxWalk ?? DEFAULT_MAX_WALK;
  const budget = new Budget(limit);
  const acc = { sections: [] as PreviewSection[], summary: [] as string[] };
  const problems: string[] = [];
  const title = `What would be lost: ${shortCommand(req.command)}`;

  const work = (async () => {
    const ids = verdict.hits.map((h) => h.id);
    const needsParse = ids.some((id) => id in GIT_PREVIEWS || RESOURCE.test(id) || id.startsWith('cred.'));
    let cmds: SimpleCommand[] = [];
    if (needsParse) cmds = await parseCommands(req, performance.now() + budget.remaining());
    budget.check();

    // File deletes.
    const deleteTargets = [...new Set(verdict.hits.filter((h) => WHOLE_DELETE.test(h.id)).flatMap((h) => h.targets ?? []))];
    if (deleteTargets.length) await previewDeletes(deleteTargets, req, budget, { maxEntries, maxWalk, gitPath: opts.gitPath }, acc);
    const otherFs = verdict.hits.filter((h) => h.category === 'filesystem' && !WHOLE_DELETE.test(h.id) && h.targets?.length);
    for (const h of otherFs) {
      const note = h.id === 'fs.find.delete' ? 'find deletes only the entries that match; they are not listed here' : h.reason;
      acc.sections.push({ heading: `Paths ${h.id} acts on`, lines: [...(h.targets ?? []).map((t) => maskSecrets(t)), `(${note})`] });
    }

    // Git.
    const invs = gitInvocations(cmds, req);
    const done = new Set<GitInvocation>();
    for (const h of verdict.hits) {
      const p = GIT_PREVIEWS[h.id];
      if (!p) continue;
      for (const inv of invs.filter((i) => p.subs.includes(i.sub) && !done.has(i))) {
        done.add(inv);
        budget.check();
        if (!inv.cwd || !(await isDir(inv.cwd))) {
          acc.sections.push({ heading: `git ${inv.sub}`, lines: ['The repository is only known when the command runs (or does not exist): nothing to list.'] });
          continue;
        }
        try {
          const r = await p.run(inv, { budget, maxEntries, maxWalk, gitPath: opts.gitPath });
          acc.sections.push(...r.sections);
          acc.summary.push(...r.summary);
        } catch (e) {
          if (e instanceof GitError) {
            if (/not a git repository/i.test(e.stderr)) acc.sections.push({ heading: `git ${inv.sub}`, lines: [`${inv.cwd} is not in any git repository: git would refuse this command.`] });
            else problems.push(e.message);
          } else throw e;
        }
      }
    }

    // Credentials, cloud, PaaS, APIs, IaC, Kubernetes, databases, containers.
    const cred = ids.some((id) => id.startsWith('cred.'));
    if (cred || ids.some((id) => RESOURCE.test(id))) {
      const r = previewResources(verdict, cmds, req, cred && !ids.some((id) => RESOURCE.test(id)));
      acc.sections.push(...r.sections);
      acc.summary.push(...r.summary);
    }
  })();

  let timedOut = false;
  try {
    await Promise.race([work, budget.whenExpired().then(() => Promise.reject(new TimeUp()))]);
  } catch (e) {
    if (e instanceof TimeUp) {
      timedOut = true;
      // Every step stops at its next check once the limit has passed (git is killed): a
      // short grace lets a folder walk hand over its partial counts.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([work.catch(() => undefined), new Promise((r) => (grace = setTimeout(r, GRACE_MS)))]);
      clearTimeout(grace);
    } else problems.push(e instanceof Error ? e.message : String(e));
  } finally {
    if (budget.ranOut) timedOut = true;
    budget.done();
  }
  // The race may have left the work running: it stops at its next check, its result is ignored.
  work.catch(() => undefined);

  const sections = acc.sections.slice();
  sections.push({ heading: 'Why TwoKey asks', lines: verdict.hits.map((h) => `${h.id} (${h.risk}): ${maskSecrets(h.reason)}`) });
  const gaps = [...(timedOut ? [`${INCOMPLETE_TIME} (${limit.toLocaleString('en-US')} ms) reached; what is listed is partial`] : []), ...problems.map((p) => `preview incomplete: ${maskSecrets(p)}`), ...budget.gaps];
  const summary = acc.summary.length ? acc.summary.join(' ') : timedOut ? 'The preview ran out of time before it found anything.' : 'TwoKey found nothing it can list in advance for this command.';
  const preview: Preview = { title, sections, summary };
  if (gaps.length) preview.incomplete = gaps.join('; ');
  return preview;
}

/** Markdown that also reads as plain text (the preview document is read-only source). */
export function renderPreview(p: Preview): string {
  const out: string[] = [`# ${p.title}`, '', p.summary, ''];
  if (p.incomplete) out.push(`> ${p.incomplete}`, '');
  for (const s of p.sections) {
    out.push(`## ${s.heading}`, '');
    for (const l of s.lines) {
      const indent = /^ */.exec(l)![0].length;
      out.push(`${' '.repeat(indent)}- ${l.slice(indent)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
