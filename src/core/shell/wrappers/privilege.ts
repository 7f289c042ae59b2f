/**
 * Privilege: `sudo`, `doas`, `su -c`, `runuser`, `setpriv`, `chroot`. The command they run
 * is marked elevated (it runs as another user, usually root).
 */
import { emit } from '../extract';
import { nestedScript, set, shift, skipOptions, VALUE_OPTS, type Unwrapper } from '../wrapkit';

export const privilege: Record<string, Unwrapper> = {};
privilege['sudo'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (args.some((a) => a.value === '-e' || a.value === '--edit')) return undefined;
  const i = skipOptions(args, 0, VALUE_OPTS[name]);
  const next = shift(c, i, name, { elevated: true });
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
privilege['doas'] = privilege['sudo'];

const privilegeMore: Record<string, Unwrapper> = {
  // su [-] [-l] [-s SHELL] [USER] [-c CMD]
  su: (c, ctx) => {
    const a = c.args;
    const i = a.findIndex((w) => w.value === '-c' || w.value === '--command' || w.value.startsWith('--command='));
    if (i < 0) return undefined;
    const script = a[i].value.startsWith('--command=') ? { value: a[i].value.slice(10), raw: a[i].raw } : a[i + 1];
    return nestedScript(c, ctx, script, 'su -c', { elevated: true });
  },
  // runuser -u USER -- CMD… | runuser [-l] USER -c CMD
  runuser: (c, ctx) => {
    const a = c.args;
    const ci = a.findIndex((w) => w.value === '-c' || w.value === '--command');
    if (ci >= 0) return nestedScript(c, ctx, a[ci + 1], 'runuser -c', { elevated: true });
    const i = skipOptions(a, 0, set('-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'));
    return shift(c, i, 'runuser', { elevated: true });
  },
  setpriv: (c) => shift(c, skipOptions(c.args, 0, set('--reuid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule', '--ruid', '--euid', '--rgid', '--egid')), 'setpriv'),
  // chroot [OPTS] DIR [CMD…]: the command runs against the files under DIR.
  chroot: (c) => {
    const i = skipOptions(c.args, 0, set('--userspec', '--groups'));
    return shift(c, i + 1, `chroot ${c.args[i]?.value ?? ''}`.trim(), { elevated: true });
  },
};

Object.assign(privilege, privilegeMore);
