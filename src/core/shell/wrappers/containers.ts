/**
 * Containers: `docker|podman|nerdctl exec`, `docker compose exec|run`, `docker-compose`,
 * and `docker run` with bind mounts (the inner command's paths under a mount are the host's:
 * `-v "$PWD":/w alpine rm -rf /w/src` deletes the workspace's src).
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from '../model';
import { emit, type WalkContext } from '../extract';
import { set, shift, skipOptions, VALUE_OPTS, type Unwrapper } from '../wrapkit';

/** Where each bind mount of `docker run` puts a host folder: container path → host path. */
function mounts(a: Word[], upTo: number, cwd: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  const host = (p: string) => (p.startsWith('/') || p.includes(DYN) ? p : cwd ? posix.join(cwd, p) : p);
  for (let i = 0; i < upTo; i++) {
    const v = a[i].value;
    let spec: string | undefined;
    if (v === '-v' || v === '--volume') spec = a[i + 1]?.value;
    else if (v.startsWith('--volume=')) spec = v.slice(9);
    else if (v.startsWith('-v') && v.length > 2) spec = v.slice(2);
    if (spec) {
      const parts = spec.split(':');
      if (parts.length >= 2 && (parts[0].startsWith('/') || parts[0].startsWith('.') || parts[0].startsWith('~') || parts[0].includes(DYN))) m.set(parts[1].replace(/\/$/, '') || '/', host(parts[0]));
      continue;
    }
    const mount = v === '--mount' ? a[i + 1]?.value : v.startsWith('--mount=') ? v.slice(8) : undefined;
    if (mount && /type=bind/.test(mount)) {
      const src = /(?:source|src)=([^,]+)/.exec(mount)?.[1];
      const dst = /(?:target|destination|dst)=([^,]+)/.exec(mount)?.[1];
      if (src && dst) m.set(dst.replace(/\/$/, '') || '/', host(src));
    }
  }
  return m;
}

const DOCKER_RUN_VALUE = set(
  '-v', '--volume', '--mount', '-e', '--env', '--env-file', '-w', '--workdir', '-u', '--user', '--name', '-p', '--publish', '--network', '--net', '--entrypoint',
  '-h', '--hostname', '-l', '--label', '--platform', '--pull', '--restart', '-m', '--memory', '--cpus', '--add-host', '--device', '--cap-add', '--cap-drop',
  '--security-opt', '--tmpfs', '--volumes-from', '--ipc', '--pid', '--log-driver', '--log-opt', '--gpus', '--shm-size', '--ulimit', '--dns', '--stop-signal', '-a', '--attach',
);

/** `docker run -v "$PWD":/w alpine rm -rf /w/src`: the inner command's paths under a bind mount are the host's. */
function dockerRun(c: SimpleCommand, ctx: WalkContext, label: string, from: number): SimpleCommand | 'done' {
  const a = c.args;
  emit(c, ctx);
  const img = skipOptions(a, from, DOCKER_RUN_VALUE, false);
  const m = mounts(a, img, c.cwd ?? ctx.cwd);
  if (m.size === 0 || img + 1 >= a.length) return 'done';
  const wi = a.findIndex((w, i) => i < img && (w.value === '-w' || w.value === '--workdir'));
  const workdir = wi >= 0 ? a[wi + 1]?.value : a.find((w, i) => i < img && w.value.startsWith('--workdir='))?.value.slice(10);
  const toHost = (p: string): string | undefined => {
    for (const [dst, src] of m) {
      if (p === dst || p.startsWith(dst + '/')) return src + p.slice(dst.length);
      if (dst.startsWith(p === '/' ? '/' : p + '/')) return src; // deleting a parent deletes the mount
    }
    return undefined;
  };
  const hostCwd = workdir ? toHost(workdir) : undefined;
  let touches = false;
  const args = a.slice(img + 2).map((w) => {
    const h = w.value.startsWith('/') ? toHost(w.value) : undefined;
    if (h !== undefined) {
      touches = true;
      return { value: h, raw: w.raw };
    }
    return w;
  });
  if (!touches && !hostCwd) return 'done';
  const label2 = `${label} (bind mount)`;
  return { ...c, name: a[img + 1].value, args, via: [...c.via, label2], ...(hostCwd ? { cwd: hostCwd } : {}) };
}

const containerRun: Record<string, Unwrapper> = {
  docker: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value === 'run' || (a[0]?.value === 'container' && a[1]?.value === 'run')) return dockerRun(c, ctx, `${c.name} run`, a[0].value === 'run' ? 1 : 2);
    return undefined;
  },
};
containerRun.podman = containerRun.docker;
containerRun.nerdctl = containerRun.docker;

export const containers: Record<string, Unwrapper> = {};
containers['docker'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  let k = 0;
  if (args[0]?.value === 'compose') k = 1;
  if (args[k]?.value === 'exec' || (k === 1 && args[k]?.value === 'run')) {
    const i = skipOptions(args, k + 1, VALUE_OPTS.docker_exec, false);
    const next = shift(c, i + 1, `${name} exec`);
    emit(c, ctx);
    if (!next) return 'done';
    return next;
  }
  return undefined;
};
containers['podman'] = containers['docker'];
containers['nerdctl'] = containers['docker'];
containers['docker-compose'] = (c, ctx) => {
  const args = c.args;
  if (args[0]?.value === 'exec' || args[0]?.value === 'run') {
    const i = skipOptions(args, 1, VALUE_OPTS.docker_exec, false);
    const next = shift(c, i + 1, 'docker-compose exec');
    emit(c, ctx);
    if (!next) return 'done';
    return next;
  }
  return undefined;
};

/** `docker run -v`: looked at first; `exec` forms after. */
export { containerRun };
