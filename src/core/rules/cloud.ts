/** Cloud CLI pack: aws, gcloud/gsutil, az, doctl, oci. Profiles, projects and regions become targets. */
import { DYN, type SimpleCommand } from '../shell/model';
import { hit, optValue, positionals, type Rule, type RuleContext } from './util';

const DESTROY_VERB = /^(?:delete|terminate|remove|deregister|purge|destroy|drop|disable|detach|revoke|deprovision|cancel|reset|wipe|batch-delete|force-delete)(?:-|$)/;

function ctxTargets(c: SimpleCommand, ctx: RuleContext, names: string[], envNames: string[]): string[] {
  const t: string[] = [];
  for (const n of names) {
    const v = optValue(c.args, [n]);
    if (v && !v.includes(DYN)) t.push(`${n.replace(/^--?/, '')}:${v}`);
  }
  for (const e of envNames) {
    const v = c.assignments[e] ?? ctx.env?.[e];
    if (v && !t.some((x) => x.endsWith(':' + v))) t.push(`${e}=${v}`);
  }
  return t;
}

/** Identifier-looking values of options such as `--db-instance-identifier mydb`, plus s3:// and arn: values. */
function resourceIds(c: SimpleCommand, skip: Set<string>): string[] {
  const out: string[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    if (/^(?:s3|gs|az|arn):/i.test(v)) out.push(v);
    else if (/^--[\w-]*(?:name|id|ids|identifier|arn|bucket|cluster|function|stack|table|instance|group|key|repository|project|zone|domain|queue|topic|secret-id)s?$/.test(v) && a[i + 1] && !skip.has(v)) {
      if (!a[i + 1].value.startsWith('-') && !a[i + 1].value.includes(DYN)) out.push(a[i + 1].value);
    }
  }
  return out.slice(0, 8);
}

const aws: Rule = (c, ctx) => {
  const targets = ctxTargets(c, ctx, ['--profile', '--region'], ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']);
  const pos = positionals(c.args, new Set(['--profile', '--region', '--output', '--query', '--endpoint-url', '--cli-input-json', '--color']));
  const service = pos[0]?.value;
  const op = pos[1]?.value;
  const vs = c.args.map((a) => a.value);
  const dry = vs.includes('--dryrun') || vs.includes('--dry-run');
  const ids = resourceIds(c, new Set(['--profile', '--region']));
  const all = [...ids, ...targets];
  if (!service || !op) return;
  if (service === 's3') {
    const urls = pos.slice(2).map((p) => p.value).filter((v) => v.startsWith('s3://'));
    const t = [...urls, ...targets];
    if (op === 'rm' && vs.includes('--recursive')) return hit('cloud.aws.s3-rm-recursive', 'cloud', dry ? 'low' : 'high', `aws s3 rm --recursive deletes every object under ${urls[0] ?? 'the bucket'}`, t);
    if (op === 'rm') return hit('cloud.aws.s3-rm', 'cloud', dry ? 'low' : urls.some((u) => /^s3:\/\/[^/]+\/?$/.test(u)) ? 'high' : 'low', `aws s3 rm deletes ${urls[0] ?? 'an object'}`, t);
    if (op === 'rb') return hit('cloud.aws.s3-rb', 'cloud', vs.includes('--force') ? 'critical' : 'high', `aws s3 rb ${vs.includes('--force') ? '--force deletes every object and then' : ''} removes the bucket ${urls[0] ?? ''}`.replace(/\s+/g, ' ').trim(), t);
    if ((op === 'sync' || op === 'mv') && (vs.includes('--delete') || op === 'mv')) {
      if (op === 'mv' && !vs.includes('--recursive')) return;
      return hit('cloud.aws.s3-sync-delete', 'cloud', dry ? 'low' : 'high', `aws s3 ${op}${op === 'sync' ? ' --delete' : ' --recursive'} removes objects from ${urls[urls.length - 1] ?? pos[pos.length - 1]?.value ?? 'the destination'}`, t);
    }
    return;
  }
  if (service === 'configure' && (op === 'set' || op === 'import' || op === 'sso')) {
    return hit('cred.context-switch', 'credentials', 'high', `aws configure ${op} changes the AWS credentials or profile later commands use`, targets);
  }
  if (DESTROY_VERB.test(op) || /deletion|-delete-|^schedule-.*delet/.test(op) || /^(?:terminate-instances|stop-instances|delete-\S+|remove-\S+|deregister-\S+|purge-queue|batch-delete-\S+)$/.test(op) || (service === 'ec2' && op === 'stop-instances')) {
    const critical = /^(?:delete-db-cluster|delete-db-instance|delete-stack|delete-cluster|delete-table|delete-bucket|delete-file-system|delete-vpc|delete-account|delete-organization|delete-secret|schedule-key-deletion|delete-key|delete-repository|delete-hosted-zone|delete-global-table)$/.test(op);
    const skipSnap = vs.includes('--skip-final-snapshot');
    const force = vs.includes('--force-delete-without-recovery') || skipSnap;
    return hit(
      op.startsWith('terminate') ? 'cloud.aws.terminate' : 'cloud.aws.delete',
      'cloud',
      dry ? 'low' : critical || force ? 'critical' : 'high',
      `aws ${service} ${op} ${op.startsWith('terminate') ? 'terminates' : 'deletes'} ${ids[0] ?? 'a resource'}${skipSnap ? ' without a final snapshot' : ''}`,
      all,
    );
  }
  if (service === 'ssm' && op === 'send-command') {
    const p = vs.find((v) => /rm\s+-[a-z]*r|drop\s|mkfs|shutdown/i.test(v));
    if (p) return hit('cloud.aws.delete', 'cloud', 'high', 'aws ssm send-command runs a destructive command on remote instances', all);
  }
  return;
};

const GCLOUD_DELETE = /^(?:delete|remove|destroy|purge|reset|deprovision|uninstall|wipe|abandon)$/;

const gcloud: Rule = (c, ctx) => {
  const targets = ctxTargets(c, ctx, ['--project', '--region', '--zone'], ['CLOUDSDK_CORE_PROJECT', 'GOOGLE_CLOUD_PROJECT']);
  const pos = positionals(c.args, new Set(['--project', '--region', '--zone', '--format', '--account', '--configuration', '--filter', '--location']));
  const words = pos.map((p) => p.value);
  const vs = c.args.map((a) => a.value);
  if (words[0] === 'config' && (words[1] === 'set' || (words[1] === 'configurations' && words[2] === 'activate'))) {
    if (words[1] === 'set' && !/^(?:project|account|core\/project|core\/account|compute\/region|compute\/zone|auth\/\S+|api_endpoint_overrides\/\S+)$/.test(words[2] ?? '')) return;
    return hit('cred.context-switch', 'credentials', 'high', `gcloud config ${words.slice(1, 4).join(' ')} changes which project or account later commands act on`, [...targets, ...(words[3] ? [words[3]] : [])]);
  }
  if (words[0] === 'auth' && (words[1] === 'login' || words[1] === 'activate-service-account')) {
    return hit('cred.context-switch', 'credentials', 'high', `gcloud auth ${words[1]} changes which account later commands act as`, targets);
  }
  if ((words[0] === 'storage' && (words[1] === 'rm' || words[1] === 'rb'))) {
    const rec = vs.includes('-r') || vs.includes('--recursive') || words[1] === 'rb';
    const urls = words.slice(2).filter((w) => w.startsWith('gs://'));
    return hit('cloud.gcloud.storage-rm', 'cloud', rec ? 'high' : 'low', `gcloud storage ${words[1]} ${rec ? 'recursively ' : ''}deletes ${urls.join(', ') || 'objects'}`, [...urls, ...targets]);
  }
  const idx = words.findIndex((w) => GCLOUD_DELETE.test(w));
  if (idx > 0) {
    const what = words.slice(0, idx).join(' ');
    const name = words[idx + 1];
    const critical = /^projects$|^sql instances$|^container clusters$|^spanner instances$|^firestore databases$|^storage buckets$/.test(what.replace(/^(?:alpha|beta) /, ''));
    return hit('cloud.gcloud.delete', 'cloud', critical ? 'critical' : 'high', `gcloud ${what} ${words[idx]} deletes ${name ?? 'a resource'}`, [...(name ? [name] : []), ...targets]);
  }
  if (words[0] === 'firestore' && words[1] === 'bulk-delete') return hit('cloud.gcloud.delete', 'cloud', 'high', 'gcloud firestore bulk-delete deletes documents', targets);
  if (words[0] === 'compute' && words[1] === 'instances' && words[2] === 'stop') return hit('cloud.gcloud.stop', 'cloud', 'high', `gcloud compute instances stop ${words[3] ?? ''}`.trim(), targets);
  return;
};

const gsutil: Rule = (c) => {
  const vs = c.args.map((a) => a.value);
  const sub = vs.find((v) => !v.startsWith('-'));
  const urls = vs.filter((v) => v.startsWith('gs://'));
  if (sub === 'rm') {
    const rec = vs.some((v) => /^-[a-zA-Z]*[rRa]/.test(v));
    return hit('cloud.gcloud.storage-rm', 'cloud', rec ? 'high' : 'low', `gsutil rm ${rec ? '-r ' : ''}deletes ${urls.join(', ') || 'objects'}`, urls);
  }
  if (sub === 'rb') return hit('cloud.gcloud.storage-rm', 'cloud', 'high', `gsutil rb removes the bucket ${urls[0] ?? ''}`.trim(), urls);
  if (sub === 'rsync' && vs.includes('-d')) return hit('cloud.gcloud.storage-rm', 'cloud', 'high', `gsutil rsync -d deletes objects in ${urls[urls.length - 1] ?? 'the destination'}`, urls);
  return;
};

const az: Rule = (c, ctx) => {
  const targets = ctxTargets(c, ctx, ['--subscription', '--resource-group', '-g', '--name', '-n'], ['AZURE_SUBSCRIPTION_ID']);
  const words = positionals(c.args, new Set(['--subscription', '--resource-group', '-g', '--name', '-n', '--output', '-o', '--query', '--location', '-l', '--ids', '--account-name', '--container-name', '-c', '--source', '-s', '--pattern', '--value'])).map((p) => p.value);
  if (words[0] === 'account' && words[1] === 'set') return hit('cred.context-switch', 'credentials', 'high', 'az account set changes which subscription later commands act on', targets);
  if (words[0] === 'login') return hit('cred.context-switch', 'credentials', 'low', 'az login changes the signed-in account', targets);
  const idx = words.findIndex((w) => /^(?:delete|delete-batch|purge|remove|destroy|wipe|reset)$/.test(w));
  if (idx > 0) {
    const what = words.slice(0, idx).join(' ');
    const critical = /^(?:group|sql server|sql db|cosmosdb|storage account|aks|keyvault|postgres \w+-server|mysql \w+-server|account)$/.test(what);
    return hit('cloud.azure.delete', 'cloud', critical ? 'critical' : 'high', `az ${what} ${words[idx]} deletes ${targets.find((t) => /^(?:name|n|resource-group|g):/.test(t)) ?? 'a resource'}`, targets);
  }
  return;
};

const doctl: Rule = (c, ctx) => {
  const words = positionals(c.args, new Set(['--context', '--output', '-o', '--format', '-t', '--access-token'])).map((p) => p.value);
  const targets = ctxTargets(c, ctx, ['--context'], ['DIGITALOCEAN_CONTEXT']);
  if (words[0] === 'auth' && words[1] === 'switch') return hit('cred.context-switch', 'credentials', 'high', 'doctl auth switch changes which account later commands act on', targets);
  const idx = words.findIndex((w) => /^(?:delete|rm|d|del|destroy|purge)$/.test(w));
  if (idx > 0) return hit('cloud.doctl.delete', 'cloud', /database|kubernetes|volume|droplet|projects/.test(words.slice(0, idx).join(' ')) ? 'critical' : 'high', `doctl ${words.slice(0, idx).join(' ')} ${words[idx]} deletes ${words[idx + 1] ?? 'a resource'}`, [...words.slice(idx + 1, idx + 4), ...targets]);
  return;
};

const oci: Rule = (c, ctx) => {
  const words = positionals(c.args, new Set(['--profile', '--region', '--compartment-id', '-c', '--output', '--query', '--config-file'])).map((p) => p.value);
  const targets = ctxTargets(c, ctx, ['--profile', '--region'], ['OCI_CLI_PROFILE']);
  const idx = words.findIndex((w) => /^(?:delete|terminate|bulk-delete|purge|remove)$/.test(w));
  if (idx > 0) return hit('cloud.oci.delete', 'cloud', 'high', `oci ${words.slice(0, idx).join(' ')} ${words[idx]} deletes a resource`, [...resourceIds(c, new Set()), ...targets]);
  return;
};

export const cloudRules: Record<string, Rule[]> = {
  aws: [aws],
  awslocal: [(c, ctx) => { const h = aws(c, ctx); return h && !Array.isArray(h) ? { ...h, risk: 'low' } : h; }],
  gcloud: [gcloud],
  gsutil: [gsutil],
  az: [az],
  doctl: [doctl],
  oci: [oci],
};
