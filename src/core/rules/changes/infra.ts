/** State changes to infrastructure: Kubernetes, Terraform / OpenTofu / Pulumi / CDK / serverless, AWS, Google Cloud, Azure. */
import * as path from 'node:path';
import type { TargetRef } from '../../types';
import { DYN, type SimpleCommand, type Word } from '../../shell/model';
import { optValue, positionals, type Rule } from '../util';
import { change, known, optRef, words } from './kit';

// ---------------------------------------------------------------- Kubernetes

const K8S_VALUE = new Set(['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-l', '--selector', '-f', '--filename', '-o', '--output', '--grace-period', '--timeout', '--field-selector', '-c', '--container', '--user', '-k', '--kustomize', '--replicas', '--cascade', '--image', '--type', '--from-literal', '--from-file', '-p', '--patch', '--for', '--min', '--max', '--cpu-percent', '--port', '--target-port', '--overrides', '--to-revision', '--server', '-s', '--token', '--as', '--record']);

function kubeRefs(c: SimpleCommand, tool: string, contextFlag = '--context'): TargetRef[] {
  const refs: TargetRef[] = [];
  const kc = known(optValue(c.args, ['--kubeconfig'])) ?? known(c.assignments.KUBECONFIG);
  const context = known(optValue(c.args, [contextFlag]));
  if (context) refs.push({ tool, kind: 'kube-context', value: context, via: contextFlag });
  else if (kc) refs.push({ tool, kind: 'kubeconfig', value: kc, via: optValue(c.args, ['--kubeconfig']) ? '--kubeconfig' : 'KUBECONFIG' });
  else refs.push({ tool, kind: 'kube-context' });
  if (context && kc) refs.push({ tool, kind: 'kubeconfig', value: kc, via: '--kubeconfig' });
  const ns = known(optValue(c.args, ['-n', '--namespace'], true));
  if (ns) refs.push({ tool, kind: 'label', value: ns, via: `namespace ${ns}` });
  return refs;
}

const KUBE_CHANGE = new Set(['apply', 'create', 'replace', 'patch', 'edit', 'set', 'scale', 'autoscale', 'annotate', 'label', 'expose', 'run', 'taint', 'cordon', 'uncordon', 'delete', 'drain', 'cp']);

const kubectl: Rule = (c) => {
  const pos = positionals(c.args, K8S_VALUE).map((p) => p.value);
  let sub = pos[0];
  if (!sub) return;
  const vs = words(c);
  if (vs.some((v) => /^--dry-run(?:=(?:client|server))?$/.test(v))) return;
  if (sub === 'rollout') {
    if (!/^(?:restart|undo|pause|resume)$/.test(pos[1] ?? '')) return;
    sub = `rollout ${pos[1]}`;
  } else if (sub === 'cp') {
    // only copying into a pod changes it
    if (!/^[\w.-]+(?:\/[\w.-]+)?:/.test(pos[2] ?? '')) return;
  } else if (!KUBE_CHANGE.has(sub)) return;
  const what = /^(?:scale|autoscale|rollout)/.test(sub) ? 'restarts or scales workloads' : sub === 'create' && pos[1] === 'secret' ? 'sets a secret' : sub === 'delete' ? 'deletes cluster resources' : 'changes cluster resources';
  return change('change.k8s', 'kubernetes', `${c.name} ${sub} ${what}`, kubeRefs(c, c.name));
};

const helm: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '-f', '--values', '--set', '--set-string', '--version', '--timeout', '-o', '--output', '--repo'])).map((p) => p.value);
  if (!/^(?:install|upgrade|rollback|uninstall|delete|del|un)$/.test(pos[0] ?? '')) return;
  if (words(c).includes('--dry-run')) return;
  const refs = kubeRefs(c, 'helm', '--kube-context');
  for (const f of c.args.filter((_, i) => c.args[i - 1]?.value === '-f' || c.args[i - 1]?.value === '--values')) {
    if (!f.value.includes(DYN)) refs.push({ tool: 'helm', kind: 'label', value: path.basename(f.value).replace(/\.ya?ml$/, '').replace(/^values[-.]?/, '') || f.value, via: `-f ${f.value}` });
  }
  return change('change.k8s', 'kubernetes', `helm ${pos[0]} ${pos[1] ?? ''} changes a release in the cluster`.replace(/\s+/g, ' '), refs);
};

// ---------------------------------------------------------------- Terraform / OpenTofu / Pulumi / CDK / serverless

const terraform: Rule = (c) => {
  let chdir: string | undefined;
  const rest: Word[] = [];
  for (const a of c.args) {
    if (a.value.startsWith('-chdir=')) chdir = known(a.value.slice(7));
    else rest.push(a);
  }
  const vs = rest.map((a) => a.value);
  const i = vs.findIndex((v) => !v.startsWith('-'));
  let sub = vs[i];
  if (sub === 'run-all') sub = vs[i + 1];
  const tail = vs.slice(i + 1);
  const isChange = sub === 'apply' || sub === 'import' || sub === 'taint' || sub === 'untaint' || sub === 'refresh' || (sub === 'state' && /^(?:mv|rm|push|replace-provider)$/.test(tail[0] ?? '')) || (sub === 'workspace' && /^(?:new|delete)$/.test(tail[0] ?? ''));
  if (!isChange) return;
  const tool = c.name;
  const refs: TargetRef[] = [];
  const ws = known(c.assignments.TF_WORKSPACE);
  refs.push(ws ? { tool, kind: 'tf-workspace', value: ws, via: `TF_WORKSPACE=${ws}` } : { tool, kind: 'tf-workspace', via: chdir ? `-chdir=${chdir}` : undefined });
  if (chdir) refs.push({ tool, kind: 'tf-dir', value: chdir, via: `-chdir=${chdir}` });
  for (const v of vs) {
    const m = /^-{1,2}var-file=(.+)$/.exec(v);
    if (m && known(m[1])) refs.push({ tool, kind: 'tf-var-file', value: m[1] });
  }
  for (let k = 0; k < vs.length - 1; k++) if (vs[k] === '-var-file' && known(vs[k + 1])) refs.push({ tool, kind: 'tf-var-file', value: vs[k + 1] });
  for (const v of vs) {
    const m = /^-var=(?:env|environment|stage)=(.+)$/.exec(v);
    if (m && known(m[1])) refs.push({ tool, kind: 'label', value: m[1], via: v });
  }
  const targets = vs.filter((v) => v.startsWith('-target=')).map((v) => v.slice(8));
  return change('change.iac.apply', 'iac', `${tool} ${sub}${targets.length ? ' -target=' + targets.join(',') : ''} changes real infrastructure`, refs);
};

const pulumi: Rule = (c) => {
  const w = positionals(c.args, new Set(['--stack', '-s', '--cwd', '-C', '--config-file', '--target'])).map((p) => p.value);
  if (!/^(?:up|update|refresh|import|cancel)$/.test(w[0] ?? '') && !(w[0] === 'config' && w[1] === 'set') && !(w[0] === 'state' && /^(?:delete|unprotect|rename)$/.test(w[1] ?? ''))) return;
  const stack = known(optValue(c.args, ['--stack', '-s'])) ?? known(c.assignments.PULUMI_STACK);
  return change('change.iac.apply', 'iac', `pulumi ${w.slice(0, 2).join(' ')} changes real infrastructure`, stack ? [{ tool: 'pulumi', kind: 'label', value: stack, via: '--stack' }] : []);
};

const stagedDeploy: Rule = (c) => {
  const w = positionals(c.args, new Set(['--stage', '-s', '--region', '-r', '--profile', '--aws-profile', '--config', '-c', '--stack-name', '--parameter-overrides', '--context', '-d', '--destination', '--env', '-e'])).map((p) => p.value);
  const verb = w[0];
  const isDeploy = /^(?:deploy|sync|rollback|publish)$/.test(verb ?? '') || (c.name === 'cap' && w[1] === 'deploy') || (c.name === 'kamal' && /^(?:deploy|redeploy|rollback|env|app)$/.test(verb ?? ''));
  if (!isDeploy) return;
  const refs: TargetRef[] = [];
  const stage = known(optValue(c.args, ['--stage', '-s', '-d', '--destination', '--env', '-e']));
  if (stage) refs.push({ tool: c.name, kind: 'label', value: stage, via: `--stage ${stage}` });
  if (c.name === 'cap' && verb) refs.push({ tool: 'cap', kind: 'label', value: verb, via: `stage ${verb}` });
  const stack = known(optValue(c.args, ['--stack-name']));
  if (stack) refs.push({ tool: c.name, kind: 'label', value: stack, via: '--stack-name' });
  refs.push(...optRef(c, c.name, 'aws-profile', ['--profile', '--aws-profile']));
  for (const s of c.name === 'cdk' ? w.slice(1) : []) if (!s.includes(DYN)) refs.push({ tool: 'cdk', kind: 'label', value: s, via: 'stack' });
  return change('change.deploy', 'iac', `${c.name} ${c.name === 'cap' ? w.slice(0, 2).join(' ') : verb} deploys`, refs);
};

// ---------------------------------------------------------------- clouds

const AWS_READ = /^(?:describe|list|get|head|show|lookup|search|check|validate|estimate|filter|query|scan|select|batch-get|test|simulate|preview|download|export|wait|help|tail|generate)/;
const AWS_WRITE = /^(?:create|put|update|modify|run|start|stop|reboot|restart|attach|associate|invoke|publish|send|set|tag|untag|deploy|register|enable|disable|restore|copy|upload|import|apply|execute|reset|replace|rotate|promote|failover|change|add|authorize|revoke|detach|disassociate|deregister|delete|remove|terminate|purge|cancel|increase|decrease|scale|sync|mv|cp|rm|rb|mb|schedule|submit|force|batch-write|batch-put|batch-delete|transact-write|write|swap|adjust)(?:-|$)/;

const aws: Rule = (c) => {
  const pos = positionals(c.args, new Set(['--profile', '--region', '--output', '--query', '--endpoint-url', '--cli-input-json', '--color', '--bucket', '--key', '--body', '--function-name', '--cluster', '--service', '--name', '--value', '--type']));
  const service = pos[0]?.value;
  const op = pos[1]?.value;
  if (!service || !op) return;
  const vs = words(c);
  if (vs.includes('--dryrun') || vs.includes('--dry-run')) return;
  if (service === 's3') {
    const dest = pos[pos.length - 1]?.value ?? '';
    if (op === 'ls' || op === 'presign' || op === 'website') return;
    if ((op === 'cp' || op === 'sync' || op === 'mv') && !dest.startsWith('s3://')) return; // a download
  } else if (AWS_READ.test(op) || !AWS_WRITE.test(op)) return;
  if (service === 'configure' || service === 'sso' || service === 'sts' || service === 'logs' && op === 'tail') return;
  const refs: TargetRef[] = [];
  const profile = known(optValue(c.args, ['--profile']));
  const assigned = known(c.assignments.AWS_PROFILE);
  refs.push(profile ? { tool: 'aws', kind: 'aws-profile', value: profile, via: '--profile' } : assigned ? { tool: 'aws', kind: 'aws-profile', value: assigned, via: `AWS_PROFILE=${assigned}` } : { tool: 'aws', kind: 'aws-profile' });
  const buckets = vs.filter((v) => v.startsWith('s3://')).map((v) => v.slice(5).split('/')[0]);
  for (const b of buckets) refs.push({ tool: 'aws', kind: 'label', value: b, via: `bucket ${b}` });
  const what = service === 's3' ? (op === 'rm' || op === 'rb' ? 'deletes objects' : 'uploads over objects') : /^(?:restart|reboot|stop|start|scale|update-service)/.test(op) ? 'restarts, scales or updates a service' : /secret|parameter|put-/.test(op) ? 'writes a value' : 'changes a resource';
  return change('change.cloud.aws', 'cloud', `aws ${service} ${op} ${what}`, refs, buckets.map((b) => `s3://${b}`));
};

const GCLOUD_READ = /^(?:list|describe|get-\S+|get|read|tail|print-\S+|export|ssh|scp|browse|logs|versions|show)$/;
const GCLOUD_WRITE = /^(?:create|deploy|update|set|add-\S+|remove-\S+|patch|import|start|stop|restart|resize|scale|apply|submit|promote|rollback|reset|delete|set-\S+|enable|disable|cp|mv|rm|rsync|rb|mb|execute|run|call|publish|upload|migrate|failover|restore|clone|attach-\S+|detach-\S+)$/;

const gcloud: Rule = (c) => {
  const w = positionals(c.args, new Set(['--project', '--region', '--zone', '--format', '--account', '--configuration', '--filter', '--location', '--image', '--source', '--platform', '--service-account', '--member', '--role', '--data-file', '--set-env-vars', '--update-env-vars', '--tag', '--memory', '--cpu'])).map((p) => p.value);
  if (w[0] === 'config' || w[0] === 'auth' || w[0] === 'components' || w[0] === 'init' || w[0] === 'help') return;
  // gcloud GROUP [SUBGROUP…] COMMAND: the first word after the group that is a verb is the command.
  const verb = w.slice(1).find((x) => GCLOUD_READ.test(x) || GCLOUD_WRITE.test(x));
  if (!verb || GCLOUD_READ.test(verb)) return;
  if ((verb === 'cp' || verb === 'rsync' || verb === 'mv') && !String(w[w.length - 1]).startsWith('gs://')) return;
  const refs: TargetRef[] = [];
  const project = known(optValue(c.args, ['--project'])) ?? known(c.assignments.CLOUDSDK_CORE_PROJECT);
  refs.push(project ? { tool: 'gcloud', kind: 'gcp-project', value: project, via: optValue(c.args, ['--project']) ? '--project' : 'CLOUDSDK_CORE_PROJECT' } : { tool: 'gcloud', kind: 'gcp-project' });
  const buckets = w.filter((x) => x.startsWith('gs://')).map((x) => x.slice(5).split('/')[0]);
  for (const b of buckets) refs.push({ tool: 'gcloud', kind: 'label', value: b, via: `bucket ${b}` });
  return change('change.cloud.gcloud', 'cloud', `gcloud ${w.slice(0, w.indexOf(verb) + 1).join(' ')} changes a resource`, refs);
};

const gsutil: Rule = (c) => {
  const vs = words(c).filter((v) => !v.startsWith('-'));
  if (!/^(?:cp|mv|rsync|rm|setmeta|acl|iam)$/.test(vs[0] ?? '') || !String(vs[vs.length - 1]).startsWith('gs://')) return;
  if (vs[0] === 'acl' || vs[0] === 'iam') {
    if (vs[1] !== 'set' && vs[1] !== 'ch') return;
  }
  const buckets = vs.filter((x) => x.startsWith('gs://')).map((x) => x.slice(5).split('/')[0]);
  return change('change.cloud.gcloud', 'cloud', `gsutil ${vs[0]} writes to ${buckets.map((b) => 'gs://' + b).join(', ')}`, [{ tool: 'gsutil', kind: 'gcp-project' }, ...buckets.map((b) => ({ tool: 'gsutil', kind: 'label', value: b, via: `bucket ${b}` }))]);
};

const az: Rule = (c) => {
  const w = positionals(c.args, new Set(['--subscription', '--resource-group', '-g', '--name', '-n', '--output', '-o', '--query', '--location', '-l', '--ids', '--account-name', '--container-name', '-c', '--source', '-s', '--pattern', '--value', '--file', '-f', '--image', '--settings', '--template-file', '--parameters'])).map((p) => p.value);
  if (w[0] === 'login' || w[0] === 'logout' || w[0] === 'account' || w[0] === 'config' || w[0] === 'extension') return;
  const verb = w.find((x) => /^(?:create|update|set|deploy|start|stop|restart|scale|upload|upload-batch|apply|import|invoke|delete|remove|purge|swap|sync|add|assign|config-zip|up)$/.test(x));
  if (!verb) return;
  if (verb === 'upload' && !c.args.some((a) => a.value === '--overwrite' || a.value === '--overwrite=true')) {
    /* an upload that would not overwrite fails on an existing blob; still a write */
  }
  const sub = known(optValue(c.args, ['--subscription']));
  const refs: TargetRef[] = [sub ? { tool: 'az', kind: 'azure-subscription', value: sub, via: '--subscription' } : { tool: 'az', kind: 'azure-subscription' }];
  const rg = known(optValue(c.args, ['--resource-group', '-g']));
  if (rg) refs.push({ tool: 'az', kind: 'label', value: rg, via: `resource group ${rg}` });
  const name = known(optValue(c.args, ['--name', '-n']));
  if (name) refs.push({ tool: 'az', kind: 'label', value: name, via: `--name ${name}` });
  return change('change.cloud.azure', 'cloud', `az ${w.slice(0, w.indexOf(verb) + 1).join(' ')} changes a resource`, refs);
};

export const infraPack: Record<string, Rule[]> = {
  kubectl: [kubectl],
  oc: [kubectl],
  k: [kubectl],
  helm: [helm],
  terraform: [terraform],
  tofu: [terraform],
  terragrunt: [terraform],
  pulumi: [pulumi],
  serverless: [stagedDeploy],
  sls: [stagedDeploy],
  sam: [stagedDeploy],
  cdk: [stagedDeploy],
  cap: [stagedDeploy],
  kamal: [stagedDeploy],
  aws: [aws],
  gcloud: [gcloud],
  gsutil: [gsutil],
  az: [az],
};
