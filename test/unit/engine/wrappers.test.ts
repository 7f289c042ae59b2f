/**
 * The wrapper registry (shell/wrappers/, one file per family): each family looks through to the command that
 * really runs, and a look-alike that wraps nothing destructive stays allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, commandsOf, WS } from './helpers';

const flagged = async (line: string) => (await check(line)).decision !== 'allow';

test('privilege and session wrappers are looked through', async () => {
  for (const line of [
    "su -c 'rm -rf /var/lib/postgresql'",
    "su - postgres -c 'dropdb app'",
    'runuser -u postgres -- dropdb app',
    "runuser -l app -c 'rm -rf ~/data'",
    'setpriv --reuid=1000 rm -rf src',
    'chroot /mnt rm -rf /etc',
    'unshare -r rm -rf src',
    'nsenter -t 1 -m rm -rf /srv/www',
    'stdbuf -oL rm -rf src',
    "script -qc 'rm -rf src' /dev/null",
    "tmux new -d 'rm -rf src'",
    "tmux send-keys -t work 'git reset --hard' Enter",
    'screen -dmS x rm -rf src',
    "expect -c 'spawn rm -rf src; expect eof'",
    'toybox rm -rf src',
    "csh -c 'rm -rf src'",
    "tcsh -c 'git clean -fdx'",
    "awk 'BEGIN { system(\"rm -rf src\") }'",
    "flock /tmp/l -c 'rm -rf src'",
  ]) {
    assert.ok(await flagged(line), line);
  }
  for (const line of ["su -c 'ls -la'", 'runuser -u app -- ls', "tmux new -d 'npm run dev'", 'screen -ls', "awk '{ print $1 }' file.txt", "expect -c 'spawn ssh-add; expect eof'", 'stdbuf -oL tail -f log']) {
    assert.equal((await check(line)).decision, 'allow', line);
  }
});

test('su -c marks the inner command as run by another user', async () => {
  const cmds = await commandsOf("su -c 'rm -rf /tmp/x'");
  assert.ok(cmds.some((c) => c.name === 'rm' && c.via.includes('su -c')));
});

test('deferred work: at, batch, crontab and systemd-run run their commands later', async () => {
  for (const line of ["echo 'rm -rf src' | at now + 1 minute", "at midnight <<'EOF'\nrm -rf data\nEOF", "batch <<< 'git push --force origin main'", "echo '0 3 * * * rm -rf /srv/www' | crontab -", 'systemd-run --on-calendar=daily rm -rf /srv/www', 'systemd-run --user -u wipe rm -rf src']) {
    assert.ok(await flagged(line), line);
  }
  for (const line of ["echo 'make test' | at now", "echo '*/5 * * * * /usr/bin/true' | crontab -", 'crontab -l', 'atq', 'systemd-run --user --scope npm test']) {
    assert.equal((await check(line)).decision, 'allow', line);
  }
});

test('docker/podman run: bind mounts make the inner deletes the host\'s', async () => {
  for (const line of ['docker run --rm -v "$PWD":/w alpine rm -rf /w/src', `docker run -v ${WS}:/app -w /app node:20 rm -rf src`, 'podman run --rm -v .:/src alpine rm -rf /src', `docker run --mount type=bind,source=${WS},target=/w alpine rm -rf /`]) {
    assert.ok(await flagged(line), line);
  }
  for (const line of ['docker run --rm alpine rm -rf /tmp/x', 'docker run --rm alpine rm -rf /', `docker run -v ${WS}:/w alpine ls /w`, `docker run -v ${WS}:/w alpine rm -rf /w/node_modules`]) {
    assert.equal((await check(line)).decision, 'allow', line);
  }
});

test('remote runners: kubectl run/exec, heroku run, fly ssh console -C, ssh HOST CMD', async () => {
  for (const line of [
    'kubectl run tmp --rm -it --image=postgres -- psql -c "DROP TABLE users"',
    'kubectl exec -it db-0 -- rm -rf /var/lib/postgresql/data',
    'heroku run -a app rails db:drop',
    "fly ssh console -C 'rm -rf /data'",
    "ssh prod 'rm -rf /srv/app'",
  ]) {
    assert.ok(await flagged(line), line);
  }
  for (const line of ['heroku run -a app rails console', "fly ssh console -C 'ls /data'", 'kubectl exec -it web-0 -- ls /app', 'heroku logs -a app']) {
    assert.equal((await check(line)).decision, 'allow', line);
  }
});

test('the engine tables name the first word of every plain destructive corpus line (for the gates\' prefilter)', async () => {
  const { ruleNames } = await import('../../../src/core/rules/index');
  const { wrapperWords } = await import('../../../src/core/shell/analyse');
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const file = [resolve(__dirname, '../../../../test/corpus/corpus.jsonl'), resolve(__dirname, '../../corpus/corpus.jsonl')].find((f) => {
    try {
      return readFileSync(f).length > 0;
    } catch {
      return false;
    }
  })!;
  const loadCorpus = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { command: string; kind: string });
  const { LOCAL_RULE_WORDS } = await import('../../../src/core/rules/local');
  const words = new Set([...ruleNames(), ...wrapperWords(), ...LOCAL_RULE_WORDS]);
  const missing: string[] = [];
  for (const c of loadCorpus().filter((x) => x.kind === 'destructive')) {
    if (!/^[A-Za-z0-9_./:@%+,= -]+$/.test(c.command)) continue; // quoting, operators, paths: the prefilter sends those anyway
    const first = c.command.trim().split(/\s+/)[0];
    if (first.includes('=')) continue; // an assignment: the prefilter sends those anyway
    if (!words.has(first) && !/^mkfs\./.test(first)) missing.push(`${first}: ${c.command}`);
  }
  assert.deepEqual(missing, []);
  for (const w of ['make', 'npm', 'su', 'tmux', 'at', 'crontab', 'systemd-run', 'restic', 'vault', 'shutdown']) assert.ok(words.has(w), w);
});
