/**
 * Operations families: backups, secret managers, message brokers, search engines over HTTP,
 * CI systems, package publishing, disks and volumes, machines and firewalls, and clobbering
 * a file in place. Each rule names what is lost; look-alikes (listing, dry runs, reading)
 * stay allowed.
 */
import type { Category, Risk, RuleHit } from '../types';
import { DYN, type SimpleCommand } from '../shell/model';
import { classifyPath, describePath, hit, optValue, positionals, type Rule, type RuleContext } from './util';

const vals = (c: SimpleCommand) => c.args.map((a) => a.value);
const pos = (c: SimpleCommand, withValue: string[] = []) => positionals(c.args, new Set(withValue)).map((w) => w.value);
const has = (vs: string[], ...xs: string[]) => vs.some((v) => xs.includes(v) || xs.some((x) => x.startsWith('--') && v.startsWith(x + '=')));
const dry = (vs: string[]) => has(vs, '--dry-run', '-n', '--dryrun', '--dry');

function h(id: string, category: Category, risk: Risk, reason: string, targets?: (string | undefined)[]): RuleHit {
  return hit(id, category, risk, reason.split(DYN).join('…'), (targets ?? []).filter((t): t is string => !!t && !t.includes(DYN)));
}

// ---------------------------------------------------------------- backups

const restic: Rule = (c) => {
  const vs = vals(c);
  const p = pos(c, ['-r', '--repo', '--repository-file', '--password-file', '--keep-last', '--keep-daily', '--keep-weekly', '--keep-monthly', '--keep-yearly', '--keep-within', '--keep-tag', '--host', '--tag', '--path', '-o', '--option', '--cache-dir']);
  const repo = optValue(c.args, ['-r', '--repo']);
  if (dry(vs)) return;
  if (p[0] === 'forget' && (has(vs, '--prune') || p.length > 1 || vs.some((v) => v.startsWith('--keep')))) return h('backup.restic.forget', 'filesystem', 'critical', `restic forget${has(vs, '--prune') ? ' --prune' : ''} removes backup snapshots${repo ? ` from ${repo}` : ''}`, [repo]);
  if (p[0] === 'prune') return h('backup.restic.prune', 'filesystem', 'high', `restic prune deletes data no snapshot references${repo ? ` in ${repo}` : ''}`, [repo]);
  return;
};

const borg: Rule = (c) => {
  const vs = vals(c);
  const p = pos(c, ['--keep-last', '--keep-daily', '--keep-weekly', '--keep-monthly', '--keep-yearly', '--keep-within', '-a', '--glob-archives', '--prefix']);
  if (dry(vs)) return;
  if (p[0] === 'delete') return h('backup.borg.delete', 'filesystem', 'critical', `borg delete removes ${p[1] ? p[1] : 'the repository'} and its backups`, [p[1]]);
  if (p[0] === 'prune' || p[0] === 'compact') return h('backup.borg.prune', 'filesystem', p[0] === 'prune' ? 'critical' : 'high', `borg ${p[0]} removes backup archives${p[1] ? ` from ${p[1]}` : ''}`, [p[1]]);
  return;
};

const rclone: Rule = (c) => {
  const vs = vals(c);
  const p = pos(c, ['--config', '--include', '--exclude', '--filter', '--min-age', '--max-age', '--transfers', '--checkers', '--log-file', '--backup-dir', '--suffix']);
  if (dry(vs) || has(vs, '--interactive', '-i')) return;
  const remote = (s: string | undefined) => !!s && /^[\w.-]+:/.test(s) && !/^[A-Za-z]:\\/.test(s);
  const sub = p[0];
  if (sub === 'purge' || sub === 'delete' || sub === 'rmdirs' || sub === 'deletefile' || sub === 'cleanup') {
    return h('backup.rclone.delete', 'cloud', sub === 'purge' || sub === 'delete' ? 'critical' : 'high', `rclone ${sub} deletes ${p[1] ?? 'files'}${remote(p[1]) ? ' on the remote' : ''}`, [p[1]]);
  }
  if ((sub === 'sync' || sub === 'bisync' || sub === 'move') && remote(p[2])) return h('backup.rclone.sync', 'cloud', 'high', `rclone ${sub} makes ${p[2]} match ${p[1]}, deleting what ${p[1]} lacks`, [p[2]]);
  return;
};

const velero: Rule = (c) => {
  const p = pos(c, ['-n', '--namespace', '--selector', '-l']);
  if ((p[0] === 'backup' || p[0] === 'schedule' || p[0] === 'restore' || p[0] === 'backup-location') && p[1] === 'delete') return h('backup.velero.delete', 'kubernetes', 'critical', `velero ${p[0]} delete removes ${p[2] ?? (has(vals(c), '--all') ? 'every' : 'a')} ${p[0]}`, [p[2]]);
  return;
};

// ---------------------------------------------------------------- secret managers

const vault: Rule = (c) => {
  const p = pos(c, ['-mount', '-versions', '-address', '-namespace', '-path', '-format']);
  if (p[0] === 'kv' && (p[1] === 'destroy' || p[1] === 'metadata' && p[2] === 'delete')) return h('secrets.vault.destroy', 'credentials', 'critical', `vault kv ${p[1]}${p[1] === 'metadata' ? ' delete' : ''} permanently destroys secret versions at ${p[p.length - 1]}`, [p[p.length - 1]]);
  if ((p[0] === 'kv' && p[1] === 'delete') || p[0] === 'delete') return h('secrets.vault.delete', 'credentials', 'high', `vault ${p[0] === 'kv' ? 'kv ' : ''}delete removes the secret at ${p[p.length - 1]}`, [p[p.length - 1]]);
  if ((p[0] === 'secrets' || p[0] === 'auth') && p[1] === 'disable') return h('secrets.vault.disable', 'credentials', 'critical', `vault ${p[0]} disable ${p[2] ?? ''} removes the engine and every secret in it`.trim(), [p[2]]);
  if (p[0] === 'lease' && p[1] === 'revoke' && has(vals(c), '-prefix', '-force')) return h('secrets.vault.revoke', 'credentials', 'high', 'vault lease revoke -prefix revokes every lease under the prefix');
  return;
};

const doppler: Rule = (c) => {
  const p = pos(c, ['-p', '--project', '-c', '--config', '--token']);
  if (p[0] === 'secrets' && (p[1] === 'delete' || p[1] === 'rm')) return h('secrets.doppler.delete', 'credentials', 'high', `doppler secrets delete removes ${p.slice(2).join(', ') || 'secrets'}`, p.slice(2));
  if ((p[0] === 'projects' || p[0] === 'configs' || p[0] === 'environments') && (p[1] === 'delete' || p[1] === 'rm')) return h('secrets.doppler.delete', 'credentials', 'critical', `doppler ${p[0]} delete removes a ${p[0].replace(/s$/, '')} and its secrets`, [p[2]]);
  return;
};

const op: Rule = (c) => {
  const p = pos(c, ['--vault', '--account', '--format']);
  if ((p[0] === 'item' || p[0] === 'vault' || p[0] === 'document' || p[0] === 'connect' || p[0] === 'user' || p[0] === 'group') && (p[1] === 'delete' || p[1] === 'remove' || p[1] === 'rm')) {
    return h('secrets.1password.delete', 'credentials', p[0] === 'vault' ? 'critical' : 'high', `op ${p[0]} delete removes ${p[2] ? `"${p[2]}"` : `a 1Password ${p[0]}`}`, [p[2]]);
  }
  return;
};

const awsSecrets: Rule = (c) => {
  const p = pos(c, ['--profile', '--region', '--secret-id', '--secret-string', '--output', '--recovery-window-in-days', '--name']);
  if (p[0] !== 'secretsmanager' && p[0] !== 'ssm') return;
  const id = optValue(c.args, ['--secret-id', '--name']);
  if (p[0] === 'secretsmanager' && (p[1] === 'put-secret-value' || p[1] === 'update-secret')) return h('secrets.aws.overwrite', 'credentials', 'high', `aws secretsmanager ${p[1]} replaces the live value of ${id ?? 'a secret'}; whatever reads it gets the new value`, [id]);
  if (p[0] === 'ssm' && p[1] === 'put-parameter' && has(vals(c), '--overwrite')) return h('secrets.aws.overwrite', 'credentials', 'high', `aws ssm put-parameter --overwrite replaces the live value of ${id ?? 'a parameter'}`, [id]);
  return;
};

// ---------------------------------------------------------------- message brokers

const kafkaTopics: Rule = (c) => {
  const vs = vals(c);
  if (has(vs, '--delete')) return h('broker.kafka.topic-delete', 'database', 'critical', `kafka-topics --delete removes the topic ${optValue(c.args, ['--topic']) ?? ''} and every message in it`.trim(), [optValue(c.args, ['--topic'])]);
  return;
};

const rabbitmqctl: Rule = (c) => {
  const p = pos(c, ['-p', '--vhost', '-n', '--node']);
  if (/^(?:delete_|purge_queue|reset|force_reset|clear_)/.test(p[0] ?? '')) return h('broker.rabbitmq.delete', 'database', p[0] === 'delete_vhost' || /reset/.test(p[0]) ? 'critical' : 'high', `rabbitmqctl ${p[0]} ${p[1] ?? ''} deletes broker state and the messages it holds`.trim(), [p[1]]);
  return;
};

const rabbitmqadmin: Rule = (c) => {
  const p = pos(c);
  if (p[0] === 'delete' || p[0] === 'purge') return h('broker.rabbitmq.delete', 'database', 'high', `rabbitmqadmin ${p[0]} ${p[1] ?? ''} deletes broker state and the messages it holds`.trim(), [p[1]]);
  return;
};

const nats: Rule = (c) => {
  const p = pos(c, ['-s', '--server', '--context', '--creds', '--subject', '--seq']);
  if ((p[0] === 'stream' || p[0] === 'str' || p[0] === 'consumer' || p[0] === 'con' || p[0] === 'kv' || p[0] === 'object' || p[0] === 'obj') && /^(?:rm|del|delete|purge|remove)$/.test(p[1] ?? '')) {
    return h('broker.nats.delete', 'database', 'high', `nats ${p[0]} ${p[1]} ${p[2] ?? ''} deletes stored messages`.trim(), [p[2]]);
  }
  return;
};

// ---------------------------------------------------------------- search engines over HTTP

/** `curl -X DELETE …/_all`, `POST …/_delete_by_query`: Elasticsearch / OpenSearch data loss. */
const searchHttp: Rule = (c) => {
  const vs = vals(c);
  const url = vs.find((v) => /^https?:\/\//i.test(v) || /^[\w.-]+:\d+\//.test(v));
  if (!url) return;
  const method = (optValue(c.args, ['-X', '--request', '--method'], true) ?? '').toUpperCase();
  const path = url.replace(/^https?:\/\/[^/]+/i, '').split('?')[0];
  if (/\/_delete_by_query\b/.test(path)) return h('search.delete-by-query', 'http-api', 'critical', `the request runs _delete_by_query on ${url}, deleting every matching document`, [url]);
  const search = /:(?:9200|9201|9243)(?:\/|$)|elastic|opensearch|(?:^|[/.-])es[.-]|search/i.test(url.replace(/\/[^/]*$/, ''));
  if (method === 'DELETE' && (/^\/(?:_all|\*)\/?$/.test(path) || (search && /^\/(?:_data_stream\/[^/]+|_index_template\/[^/]+|_snapshot\/[^/]+(?:\/[^/]+)?|[^/_][^/]*)\/?$/.test(path)))) return h('search.index-delete', 'http-api', 'critical', `DELETE ${path} removes ${path === '/_all' || path === '/*' ? 'every index' : 'a whole index'} and its documents`, [url]);
  return;
};

// ---------------------------------------------------------------- CI systems

const circleci: Rule = (c) => {
  const p = pos(c, ['--token', '--host', '--org-id']);
  if ((p[0] === 'context' || p[0] === 'namespace' || p[0] === 'orb') && /^(?:delete|remove-secret|delete-secret)$/.test(p[1] ?? '')) return h('ci.circleci.delete', 'cloud', 'high', `circleci ${p[0]} ${p[1]} removes CI configuration and its secrets`, [p[p.length - 1]]);
  return;
};

/** `java -jar jenkins-cli.jar … delete-job NAME` (and the jenkins-cli wrapper). */
const jenkins: Rule = (c) => {
  const vs = vals(c);
  if (c.name === 'java' && !vs.some((v) => /jenkins-cli\.jar$/.test(v))) return;
  const d = vs.find((v) => /^(?:delete-job|delete-node|delete-view|delete-builds|delete-credentials|clear-queue|safe-shutdown|shutdown|restart)$/.test(v));
  if (d) return h('ci.jenkins.delete', 'cloud', d.startsWith('delete') ? 'high' : 'high', `jenkins-cli ${d} changes the Jenkins server (${d.replace('-', ' ')})`, vs.slice(vs.indexOf(d) + 1, vs.indexOf(d) + 2));
  return;
};

const gitlabRunner: Rule = (c) => {
  const p = pos(c);
  if (p[0] === 'unregister' || p[0] === 'uninstall') return h('ci.gitlab-runner.unregister', 'cloud', 'high', `gitlab-runner ${p[0]}${has(vals(c), '--all-runners') ? ' --all-runners' : ''} removes CI runners`);
  return;
};

// ---------------------------------------------------------------- publishing

const npmPublish: Rule = (c) => {
  const p = pos(c, ['--otp', '--registry', '--tag', '-w', '--workspace']);
  if (p[0] === 'unpublish') return h('publish.npm.unpublish', 'cloud', 'critical', `${c.name} unpublish removes ${p[1] ?? 'the package'} from the registry for everyone who depends on it`, [p[1]]);
  if (p[0] === 'deprecate' || (p[0] === 'dist-tag' && (p[1] === 'rm' || p[1] === 'remove'))) return h('publish.npm.deprecate', 'cloud', 'high', `${c.name} ${p[0]} changes what users of ${p[1] ?? 'the package'} install`, [p[1]]);
  if (p[0] === 'owner' && (p[1] === 'rm' || p[1] === 'remove')) return h('publish.npm.owner-rm', 'cloud', 'high', `${c.name} owner rm removes a maintainer of ${p[3] ?? 'the package'}`);
  return;
};

const yank: Rule = (c) => {
  const p = pos(c, ['--version', '-v', '--vers', '--token']);
  if (p[0] === 'yank') return h('publish.yank', 'cloud', 'high', `${c.name} yank withdraws a published version of ${p[1] ?? 'the package'}`, [p[1]]);
  if (c.name === 'gem' && p[0] === 'owner' && has(vals(c), '--remove', '-r')) return h('publish.npm.owner-rm', 'cloud', 'high', 'gem owner --remove removes a maintainer');
  return;
};

const ghPublish: Rule = (c) => {
  const vs = vals(c);
  const p = pos(c, ['-R', '--repo', '--visibility', '-t', '--title']);
  if (p[0] === 'repo' && p[1] === 'edit' && vs.some((v) => v === '--visibility=public' || v === 'public') && has(vs, '--visibility')) return h('publish.github.visibility', 'git', 'critical', `gh repo edit --visibility public makes ${p[2] ?? 'the repository'} and its whole history public`, [p[2]]);
  if (p[0] === 'repo' && p[1] === 'rename') return h('publish.github.rename', 'git', 'high', `gh repo rename changes the repository's name; clones, links and integrations break`, [p[2]]);
  if ((p[0] === 'gist' || p[0] === 'ssh-key' || p[0] === 'gpg-key' || p[0] === 'label' || p[0] === 'codespace' || p[0] === 'ruleset' || p[0] === 'deploy-key') && p[1] === 'delete') return h('git.github.delete', 'git', 'high', `gh ${p[0]} delete removes a GitHub ${p[0]}`, [p[2]]);
  return;
};

// ---------------------------------------------------------------- disks and volumes

const disk = (id: string, what: (c: SimpleCommand) => string | undefined): Rule => (c) => {
  const vs = vals(c);
  if (has(vs, '--help', '-h', '--version', '--list', '-l', '--test', '--dry-run', '--noact', '-n') && c.name !== 'lvremove') return;
  const w = what(c);
  if (!w) return;
  const dev = pos(c).find((v) => v.startsWith('/dev/') || /^[\w-]+\/[\w-]+$/.test(v));
  return h(id, 'filesystem', 'critical', `${c.name} ${w}${dev ? ` (${dev})` : ''}; the data on it is gone`, [dev]);
};

const disks: Record<string, Rule[]> = {
  sfdisk: [disk('disk.partition', (c) => (has(vals(c), '--delete') ? 'deletes partitions' : pos(c).length && c.stdin ? 'rewrites the partition table' : undefined))],
  cryptsetup: [disk('disk.format', (c) => (/^(?:luksFormat|erase|luksErase|reencrypt|luksKillSlot|luksRemoveKey)$/.test(pos(c, ['--type', '-c', '--cipher', '-s', '--key-size', '--key-file', '-d'])[0] ?? '') ? `${pos(c, ['--type', '-c', '--cipher', '-s', '--key-size', '--key-file', '-d'])[0]} destroys the volume's keys or contents` : undefined))],
  lvremove: [disk('disk.volume-remove', () => 'removes a logical volume')],
  vgremove: [disk('disk.volume-remove', () => 'removes a volume group')],
  pvremove: [disk('disk.volume-remove', () => 'removes a physical volume label')],
  blkdiscard: [disk('disk.format', () => 'discards every block of the device')],
  zpool: [disk('disk.volume-remove', (c) => (/^(?:destroy|labelclear)$/.test(pos(c)[0] ?? '') ? `${pos(c)[0]} destroys a ZFS pool` : undefined))],
  zfs: [disk('disk.volume-remove', (c) => (pos(c)[0] === 'destroy' || (pos(c)[0] === 'rollback' && has(vals(c), '-r', '-R')) ? `${pos(c)[0]} deletes a dataset or snapshots` : undefined))],
  dmsetup: [disk('disk.volume-remove', (c) => (/^(?:remove|remove_all|wipe_table)$/.test(pos(c)[0] ?? '') ? `${pos(c)[0]} removes device mappings` : undefined))],
  mkswap: [disk('disk.format', () => 'formats the device as swap')],
};

// ---------------------------------------------------------------- machines

const DATA_SERVICES = /^(?:postgres(?:ql)?(?:@.*|-\d+)?|mysql[d]?|mariadb|mongod|mongodb|redis(?:-server)?|valkey|elasticsearch|opensearch|cassandra|clickhouse(?:-server)?|kafka|zookeeper|rabbitmq-server|etcd|docker|containerd|kubelet|nginx|apache2|httpd|sshd?|memcached|minio|influxdb|neo4j|couchdb|vault|consul)(?:\.service)?$/;

const power: Rule = (c) => {
  const vs = vals(c);
  if (has(vs, '--help', '-c', '--show') || (c.name === 'shutdown' && vs.includes('-c'))) return;
  return h('machine.power', 'filesystem', 'high', `${c.name} ${c.name === 'reboot' ? 'restarts' : 'stops'} the machine; everything running on it goes down`);
};

const systemctl: Rule = (c) => {
  const p = pos(c, ['-H', '--host', '-M', '--machine', '-t', '--type', '-s', '--signal', '--state', '-p', '--property']);
  const sub = p[0];
  if (/^(?:poweroff|reboot|halt|kexec|rescue|emergency|suspend|hibernate)$/.test(sub ?? '')) return h('machine.power', 'filesystem', 'high', `systemctl ${sub} takes the whole machine down`);
  if (/^(?:stop|disable|mask|kill|isolate)$/.test(sub ?? '')) {
    const units = p.slice(1).filter((u) => DATA_SERVICES.test(u));
    if (units.length || sub === 'isolate') return h('machine.service-stop', 'database', 'high', `systemctl ${sub} ${units.join(' ') || p[1]} stops a service others depend on`, units);
  }
  return;
};

const serviceCmd: Rule = (c) => {
  const p = pos(c);
  if (p[1] === 'stop' && DATA_SERVICES.test(p[0] ?? '')) return h('machine.service-stop', 'database', 'high', `service ${p[0]} stop stops a service others depend on`, [p[0]]);
  return;
};

const firewall: Rule = (c) => {
  const vs = vals(c);
  if ((c.name === 'iptables' || c.name === 'ip6tables') && has(vs, '-F', '--flush', '-X', '--delete-chain') && !has(vs, '-L', '--list')) return h('machine.firewall-flush', 'filesystem', 'high', `${c.name} ${vs.filter((v) => v.startsWith('-')).join(' ')} removes firewall rules; the machine may be open, or cut off`);
  if ((c.name === 'iptables' || c.name === 'ip6tables') && has(vs, '-P', '--policy') && vs.includes('DROP')) return h('machine.firewall-flush', 'filesystem', 'high', `${c.name} -P … DROP can cut the machine off`);
  if (c.name === 'nft' && /flush ruleset|delete table/.test(vs.join(' '))) return h('machine.firewall-flush', 'filesystem', 'high', 'nft flush ruleset removes every firewall rule');
  if (c.name === 'ufw' && /^(?:disable|reset)$/.test(pos(c)[0] ?? '')) return h('machine.firewall-flush', 'filesystem', 'high', `ufw ${pos(c)[0]} ${pos(c)[0] === 'reset' ? 'removes every rule' : 'turns the firewall off'}`);
  return;
};

// ---------------------------------------------------------------- clobbering

/** A path that is plainly a source file in the workspace (not /dev/null, build output or temp). */
function clobberable(value: string, c: SimpleCommand, ctx: RuleContext): string | undefined {
  if (value.includes(DYN) || /^\/dev\//.test(value) || value === '-') return undefined;
  const p = classifyPath(value, ctx, c.cwd);
  if (p.kind === 'workspace' || p.kind === 'outside' || p.kind === 'home' || p.kind === 'system') return describePath(p);
  return undefined;
}

/** `> file`, `: > file`, `true > file`, `cat /dev/null > file`: empties the file in place. */
const emptyRedirect: Rule = (c, ctx) => {
  const vs = vals(c);
  if (c.name === 'cat' ? !(vs.length === 1 && vs[0] === '/dev/null') : vs.length > 0) return;
  const out: RuleHit[] = [];
  for (const r of c.redirects) {
    if (!/^(?:>|>\||&>|1>)$/.test(r.op)) continue;
    const where = clobberable(r.target.value, c, ctx);
    if (where) out.push(h('fs.clobber', 'filesystem', 'high', `the redirect empties ${where}; its content is lost`, [r.target.value]));
  }
  return out;
};

const cpClobber: Rule = (c, ctx) => {
  const vs = vals(c);
  const p = pos(c, ['-t', '--target-directory', '-S', '--suffix']);
  if (p.length < 2 || has(vs, '-n', '--no-clobber', '-i', '--interactive', '-b', '--backup', '-u', '--update')) return;
  const src = p[0];
  const dest = p[p.length - 1];
  if (dest.endsWith('/')) return;
  const where = clobberable(dest, c, ctx);
  if (!where) return;
  if (c.name === 'cp' && src === '/dev/null') return h('fs.clobber', 'filesystem', 'high', `cp /dev/null empties ${where}`, [dest]);
  if (/^-[a-zA-Z]*f/.test(vs.find((v) => /^-[a-zA-Z]*f/.test(v)) ?? '') || has(vs, '--force')) {
    if (p.length === 2 && /\.[\w]+$/.test(dest) && !/\.(?:bak|orig|tmp|log)$/.test(dest)) return h('fs.clobber', 'filesystem', 'high', `${c.name} -f overwrites ${where} without asking; its content is lost`, [dest]);
  }
  return;
};

const sedEmpty: Rule = (c, ctx) => {
  const vs = vals(c);
  if (!vs.some((v) => /^-[a-zA-Z]*i/.test(v) || v.startsWith('--in-place'))) return;
  const script = vs.find((v, i) => !v.startsWith('-') || (i > 0 && (vs[i - 1] === '-e' || vs[i - 1] === '--expression')));
  if (!script || !/^\s*(?:1,\s*\$\s*)?d\s*$|^\s*\/\.\*\/d\s*$|^\s*\$?!?d\s*$/.test(script.replace(/^-e/, ''))) return;
  const files = positionals(c.args, new Set(['-e', '--expression', '-f', '--file'])).slice(vs.includes('-e') ? 0 : 1).map((w) => w.value);
  const where = files.map((f) => clobberable(f, c, ctx)).filter(Boolean);
  if (where.length) return h('fs.clobber', 'filesystem', 'high', `sed -i '${script}' deletes every line of ${where.join(', ')}`, files);
  return;
};

// ---------------------------------------------------------------- Windows cmd (agent hooks on Windows)

const REGEN_WIN = /(?:^|[\\/])(?:node_modules|dist|build|out|target|bin|obj|\.next|\.cache|coverage|__pycache__)[\\/]?$/i;

/** `rd /s /q DIR`, `rmdir /s DIR`, `del /s /q *.*`, `format C:`. */
const winDelete: Rule = (c) => {
  const vs = vals(c);
  const sw = vs.filter((v) => /^\/[a-zA-Z]$/.test(v)).map((v) => v.toLowerCase());
  const targets = vs.filter((v) => !/^\/[a-zA-Z](?::\S*)?$/.test(v));
  if (c.name.toLowerCase() === 'format') {
    const drive = vs.find((v) => /^[a-zA-Z]:\\?$/.test(v));
    return drive ? h('fs.win.format', 'filesystem', 'critical', `format ${drive} erases the whole drive`, [drive]) : undefined;
  }
  const recursive = sw.includes('/s');
  if (!recursive && !(sw.includes('/q') && targets.some((t) => /[*?]/.test(t)))) return;
  if (targets.length && targets.every((t) => REGEN_WIN.test(t))) return;
  return h('fs.win.delete', 'filesystem', 'high', `${c.name} ${sw.join(' ')} deletes ${targets.join(', ') || 'files'}${recursive ? ' and everything under it' : ''}, with no recycle bin`, targets);
};

export const opsRules: Record<string, Rule[]> = {
  rd: [winDelete],
  rmdir: [(c, ctx) => (c.args.some((a) => /^\/[sS]$/.test(a.value)) ? winDelete(c, ctx) : undefined)],
  del: [(c, ctx) => (c.args.some((a) => /^\/[a-zA-Z]$/.test(a.value)) ? winDelete(c, ctx) : undefined)],
  erase: [winDelete],
  format: [winDelete],
  restic: [restic],
  borg: [borg],
  rclone: [rclone],
  velero: [velero],
  vault: [vault],
  doppler: [doppler],
  op: [op],
  aws: [awsSecrets],
  'kafka-topics': [kafkaTopics],
  'kafka-topics.sh': [kafkaTopics],
  rabbitmqctl: [rabbitmqctl],
  rabbitmqadmin: [rabbitmqadmin],
  nats: [nats],
  curl: [searchHttp],
  http: [searchHttp],
  https: [searchHttp],
  xh: [searchHttp],
  wget: [searchHttp],
  circleci: [circleci],
  java: [jenkins],
  'jenkins-cli': [jenkins],
  'gitlab-runner': [gitlabRunner],
  npm: [npmPublish],
  pnpm: [npmPublish],
  yarn: [npmPublish],
  cargo: [yank],
  gem: [yank],
  gh: [ghPublish],
  ...disks,
  shutdown: [power],
  reboot: [power],
  poweroff: [power],
  halt: [power],
  init: [(c, ctx) => (/^[06]$/.test(vals(c)[0] ?? '') ? power(c, ctx) : undefined)],
  telinit: [(c, ctx) => (/^[06]$/.test(vals(c)[0] ?? '') ? power(c, ctx) : undefined)],
  systemctl: [systemctl],
  service: [serviceCmd],
  iptables: [firewall],
  ip6tables: [firewall],
  nft: [firewall],
  ufw: [firewall],
  ':': [emptyRedirect],
  true: [emptyRedirect],
  cat: [emptyRedirect],
  cp: [cpClobber],
  mv: [cpClobber],
  sed: [sedEmpty],
  gsed: [sedEmpty],
};
