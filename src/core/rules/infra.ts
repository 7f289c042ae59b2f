/** IaC (terraform, tofu, terragrunt, pulumi, cdk, serverless), Kubernetes (kubectl, helm) and containers. */
import type { RuleHit } from '../types';
import { DYN } from '../shell/model';
import { hit, optValue, positionals, type Rule, type RuleContext } from './util';

const TF_GLOBAL = new Set(['-chdir']);

/** The saved plan file `terraform apply PLAN` applies (a positional that is not a folder of .tf files). */
function savedPlan(vs: string[]): string | undefined {
  const VALUE = new Set(['-var', '-var-file', '-target', '-replace', '-state', '-state-out', '-backup', '-lock-timeout', '-parallelism']);
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (VALUE.has(v)) {
      i++;
      continue;
    }
    if (!v.startsWith('-')) return v;
  }
  return undefined;
}

/**
 * `terraform apply PLAN` never prompts: the plan is what runs. Read with `terraform show
 * -json` (when the tool is there): deletes and replacements are critical, a plan without
 * them is recorded; a plan that cannot be read is asked.
 */
function applyPlan(tool: string, plan: string, ctx: RuleContext, cwd: string | undefined, chdir: string | undefined, targets: string[]): RuleHit {
  const dir = chdir && cwd && !chdir.startsWith('/') ? `${cwd.replace(/\/$/, '')}/${chdir}` : chdir ?? cwd;
  const abs = plan.startsWith('/') || !dir ? plan : `${dir.replace(/\/$/, '')}/${plan}`;
  const json = plan.includes(DYN) ? undefined : ctx.showPlan?.(abs, tool, dir);
  if (json) {
    try {
      const doc = JSON.parse(json) as { resource_changes?: { address?: string; change?: { actions?: string[] } }[] };
      const changes = doc.resource_changes ?? [];
      const deleting = changes.filter((r) => r.change?.actions?.includes('delete')).map((r) => r.address ?? '?');
      const changing = changes.filter((r) => r.change?.actions?.some((a) => a !== 'no-op' && a !== 'read')).length;
      if (deleting.length) {
        const shown = deleting.slice(0, 5).join(', ') + (deleting.length > 5 ? ` and ${deleting.length - 5} more` : '');
        return hit('iac.terraform.plan-deletes', 'iac', 'critical', `${tool} apply ${plan} applies a saved plan without asking, and it deletes or replaces ${deleting.length} resource${deleting.length > 1 ? 's' : ''} (${shown})`, [...targets, ...deleting]);
      }
      return hit('iac.terraform.apply-plan', 'iac', 'low', `${tool} apply ${plan} applies a saved plan that changes ${changing} resource${changing === 1 ? '' : 's'} and deletes none`, targets);
    } catch {
      /* unreadable output: asked below */
    }
  }
  return hit('iac.terraform.apply-plan-unread', 'iac', 'high', `${tool} apply ${plan} applies a saved plan without asking, and TwoKey could not read the plan (${tool} show -json) to see what it deletes`, [...targets, plan]);
}

const terraform: Rule = (c, ctx) => {
  let a = c.args;
  while (a[0] && a[0].value.startsWith('-') && !TF_GLOBAL.has(a[0].value)) a = a.slice(1);
  const sub0 = a[0]?.value === 'run-all' || a[0]?.value === 'run' ? a.slice(1) : a;
  const vs = sub0.map((w) => w.value);
  const sub = vs[0];
  const ws = optValue(c.args, ['-chdir']) ?? c.assignments.TF_WORKSPACE;
  const targets = [...vs.filter((v) => v.startsWith('-target=')).map((v) => v.slice(8)), ...(ws ? [ws] : [])];
  const tool = c.name;
  const auto = vs.some((v) => /^-{1,2}auto-approve(?:=true)?$/.test(v));
  switch (sub) {
    case 'destroy':
      return hit('iac.terraform.destroy', 'iac', 'critical', `${tool} destroy deletes every resource in the state${auto ? ' without asking' : ''}`, targets);
    case 'apply':
      if (vs.includes('-destroy') || vs.includes('--destroy')) return hit('iac.terraform.destroy', 'iac', 'critical', `${tool} apply -destroy deletes every resource in the state`, targets);
      {
        const plan = savedPlan(sub0.slice(1).map((w) => w.value));
        if (plan) {
          const h = applyPlan(tool, plan, ctx, c.cwd ?? ctx.cwd, optValue(c.args, ['-chdir']), targets);
          return auto ? [hit('iac.terraform.apply-auto-approve', 'iac', 'high', `${tool} apply -auto-approve changes real infrastructure without showing the plan for review`, targets), h] : h;
        }
      }
      if (auto) return hit('iac.terraform.apply-auto-approve', 'iac', 'high', `${tool} apply -auto-approve changes real infrastructure without showing the plan for review`, targets);
      return hit('iac.terraform.apply', 'iac', 'low', `${tool} apply asks for confirmation itself`, targets);
    case 'state': {
      const op = vs[1];
      if (op === 'rm' || op === 'push' || op === 'replace-provider') return hit('iac.terraform.state-rm', 'iac', 'high', `${tool} state ${op} changes what ${tool} tracks, which can orphan or recreate resources`, [...targets, ...vs.slice(2).filter((v) => !v.startsWith('-'))]);
      return;
    }
    case 'workspace':
      if (vs[1] === 'delete') return hit('iac.terraform.workspace-delete', 'iac', 'high', `${tool} workspace delete ${vs[2] ?? ''} removes a workspace and its state`.replace(/\s+/g, ' '), vs[2] ? [vs[2]] : targets);
      if (vs[1] === 'select' || vs[1] === 'new') return hit('iac.terraform.workspace-select', 'iac', /prod/i.test(vs[2] ?? '') ? 'high' : 'low', `${tool} workspace ${vs[1]} ${vs[2] ?? ''} switches where later plans apply`.replace(/\s+/g, ' '), vs[2] ? [vs[2]] : targets);
      return;
    case 'taint':
      return hit('iac.terraform.taint', 'iac', 'low', `${tool} taint marks ${vs[1] ?? 'a resource'} for re-creation`, vs[1] ? [vs[1]] : []);
    case 'force-unlock':
      return hit('iac.terraform.force-unlock', 'iac', 'high', `${tool} force-unlock removes a state lock another run may hold`, targets);
  }
  return;
};

const pulumi: Rule = (c) => {
  const vs = c.args.map((a) => a.value);
  const stack = optValue(c.args, ['--stack', '-s']);
  const t = stack ? [stack] : [];
  const yes = vs.includes('--yes') || vs.includes('-y') || vs.some((v) => /^-[a-z]*y[a-z]*$/.test(v)) || vs.includes('--skip-preview') || vs.includes('-f');
  if (vs[0] === 'destroy' || vs[0] === 'down') return hit('iac.pulumi.destroy', 'iac', 'critical', `pulumi ${vs[0]} deletes every resource in the stack${stack ? ' ' + stack : ''}`, t);
  if (vs[0] === 'stack' && vs[1] === 'rm') return hit('iac.pulumi.destroy', 'iac', 'high', `pulumi stack rm deletes the stack ${vs[2] ?? stack ?? ''}`.trim(), t);
  if ((vs[0] === 'up' || vs[0] === 'update') && yes) return hit('iac.pulumi.up-yes', 'iac', 'high', 'pulumi up --yes changes real infrastructure without a preview to review', t);
  if (vs[0] === 'state' && vs[1] === 'delete') return hit('iac.terraform.state-rm', 'iac', 'high', 'pulumi state delete removes a resource from the state', t);
  return;
};

const cdk: Rule = (c) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'destroy') return hit('iac.cdk.destroy', 'iac', 'critical', `${c.name} destroy deletes the stack${vs[1] && !vs[1].startsWith('-') ? ' ' + vs[1] : 's'}${vs.includes('--force') || vs.includes('-f') ? ' without asking' : ''}`, vs.slice(1).filter((v) => !v.startsWith('-')));
  if (vs[0] === 'deploy' && vs.some((v) => v === '--require-approval=never' || v === 'never') && vs.includes('--require-approval')) return hit('iac.cdk.deploy-no-approval', 'iac', 'high', 'cdk deploy --require-approval never skips review of security changes');
  return;
};

const serverless: Rule = (c) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'remove') return hit('iac.serverless.remove', 'iac', 'critical', `${c.name} remove deletes the deployed service and its resources`, [optValue(c.args, ['--stage', '-s']) ?? ''].filter(Boolean));
  return;
};

const sam: Rule = (c) => {
  if (c.args[0]?.value === 'delete') return hit('iac.sam.delete', 'iac', 'critical', 'sam delete deletes the deployed stack', [optValue(c.args, ['--stack-name']) ?? ''].filter(Boolean));
  return;
};

// ---------------------------------------------------------------- Kubernetes

const K8S_WITH_VALUE = new Set(['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-l', '--selector', '-f', '--filename', '-o', '--output', '--grace-period', '--timeout', '--field-selector', '-c', '--container', '--user', '-k', '--kustomize', '--replicas', '--cascade']);

const kubectl: Rule = (c) => {
  const pos = positionals(c.args, K8S_WITH_VALUE).map((p) => p.value);
  const vs = c.args.map((a) => a.value);
  const ns = optValue(c.args, ['-n', '--namespace'], true);
  const context = optValue(c.args, ['--context']) ?? c.assignments.KUBECONTEXT;
  const targets: string[] = [];
  if (context) targets.push(`context:${context}`);
  if (ns) targets.push(`namespace:${ns}`);
  const kc = optValue(c.args, ['--kubeconfig']) ?? c.assignments.KUBECONFIG ?? undefined;
  if (kc) targets.push(`kubeconfig:${kc}`);
  const sub = pos[0];
  const dry = vs.some((v) => v.startsWith('--dry-run') && v !== '--dry-run=none');
  switch (sub) {
    case 'delete': {
      if (dry) return hit('k8s.delete', 'kubernetes', 'low', 'kubectl delete --dry-run changes nothing', targets);
      const kind = (pos[1] ?? '').toLowerCase();
      const names = pos.slice(2);
      const all = vs.includes('--all') || vs.includes('--all-namespaces') || vs.includes('-A');
      const resources = kind.split(',');
      const res = [...targets, ...names.map((n) => `${kind}/${n}`)];
      if (resources.some((r) => /^(?:ns|namespace|namespaces)$/.test(r)) || /^(?:ns|namespaces?)\//.test(kind)) {
        return hit('k8s.delete.namespace', 'kubernetes', 'critical', `kubectl delete namespace ${names.join(' ') || kind.split('/')[1] || ''} deletes everything inside it`.replace(/\s+/g, ' '), res);
      }
      if (all) return hit('k8s.delete.all', 'kubernetes', 'critical', `kubectl delete ${kind} --all deletes every ${kind || 'resource'} in ${vs.includes('-A') || vs.includes('--all-namespaces') ? 'every namespace' : ns ? 'namespace ' + ns : 'the namespace'}`, res);
      if (resources.some((r) => /^(?:pvc|pv|persistentvolumeclaims?|persistentvolumes?|statefulsets?|sts|crd|crds|customresourcedefinitions?|nodes?|no|secrets?|clusterroles?|clusterrolebindings?)$/.test(r.split('/')[0]))) {
        return hit('k8s.delete.pvc', 'kubernetes', /^pv|persistent/.test(kind) ? 'critical' : 'high', `kubectl delete ${kind} ${names.join(' ')} deletes ${/^pv|persistent/.test(kind) ? 'stored data' : 'cluster state'}`.replace(/\s+/g, ' ').trim(), res);
      }
      const files = optValue(c.args, ['-f', '--filename']) ?? optValue(c.args, ['-k', '--kustomize']);
      return hit('k8s.delete', 'kubernetes', 'high', `kubectl delete ${files ? '-f ' + files : `${kind} ${names.join(' ')}`.trim()} deletes live cluster resources`, files ? [...targets, files] : res);
    }
    case 'drain':
      return hit('k8s.drain', 'kubernetes', 'high', `kubectl drain ${pos[1] ?? ''} evicts every pod from the node`.replace(/\s+/g, ' '), [...targets, ...(pos[1] ? [`node/${pos[1]}`] : [])]);
    case 'scale': {
      const r = optValue(c.args, ['--replicas']);
      if (r === '0') return hit('k8s.scale-zero', 'kubernetes', 'high', `kubectl scale --replicas=0 stops every pod of ${pos.slice(1).join(' ') || 'the workload'}`, [...targets, ...pos.slice(1)]);
      return;
    }
    case 'replace':
      if (vs.includes('--force')) return hit('k8s.replace-force', 'kubernetes', 'high', 'kubectl replace --force deletes and re-creates resources', targets);
      return;
    case 'apply':
      if (vs.includes('--prune')) return hit('k8s.apply-prune', 'kubernetes', 'high', 'kubectl apply --prune deletes resources missing from the manifests', targets);
      return;
    case 'config':
      if (pos[1] === 'use-context' || pos[1] === 'use' || (pos[1] === 'set-context' && vs.includes('--current'))) {
        return hit('cred.context-switch', 'credentials', 'high', `kubectl config ${pos[1]} ${pos[2] ?? ''} changes which cluster later commands act on`.replace(/\s+/g, ' '), pos[2] ? [`context:${pos[2]}`] : targets);
      }
      if (pos[1] === 'delete-context' || pos[1] === 'delete-cluster') return hit('cred.context-switch', 'credentials', 'low', `kubectl config ${pos[1]} removes a kubeconfig entry`, targets);
      return;
    case 'rollout':
      if (pos[1] === 'undo') return hit('k8s.rollout-undo', 'kubernetes', 'low', 'kubectl rollout undo rolls a deployment back', targets);
      return;
    case 'patch':
      if (vs.some((v) => /finalizers/.test(v) && /null|\[\]/.test(v))) return hit('k8s.patch-finalizers', 'kubernetes', 'high', 'kubectl patch removes finalizers, forcing deletion', targets);
      return;
  }
  return;
};

const kubectx: Rule = (c) => {
  const p = positionals(c.args)[0]?.value;
  if (!p || p === '-c' || p === '--current') return;
  return hit('cred.context-switch', 'credentials', 'high', `${c.name} ${p} changes which ${c.name === 'kubens' ? 'namespace' : 'cluster'} later commands act on`, [`${c.name === 'kubens' ? 'namespace' : 'context'}:${p}`]);
};

const helm: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '-f', '--values', '--set', '--version', '--timeout', '-o', '--output']));
  const vs = c.args.map((a) => a.value);
  const ns = optValue(c.args, ['-n', '--namespace']);
  const ctx = optValue(c.args, ['--kube-context']);
  const targets = [...(ctx ? [`context:${ctx}`] : []), ...(ns ? [`namespace:${ns}`] : [])];
  const sub = pos[0]?.value;
  if (sub === 'uninstall' || sub === 'delete' || sub === 'del' || sub === 'un') {
    if (vs.includes('--dry-run')) return;
    return hit('k8s.helm.uninstall', 'kubernetes', 'high', `helm ${sub} ${pos.slice(1).map((p) => p.value).join(' ')} removes the release and its resources`.replace(/\s+$/, ''), [...targets, ...pos.slice(1).map((p) => `release:${p.value}`)]);
  }
  if (sub === 'rollback') return hit('k8s.helm.rollback', 'kubernetes', 'low', 'helm rollback rolls a release back', targets);
  return;
};

// ---------------------------------------------------------------- containers

const docker: Rule = (c) => {
  let vs = c.args.map((a) => a.value);
  const hits: RuleHit[] = [];
  // Skip global options: docker --context prod …, -H host
  while (vs[0] && vs[0].startsWith('-')) vs = vs.slice(vs[0] === '--context' || vs[0] === '-H' || vs[0] === '--host' || vs[0] === '-c' || vs[0] === '--config' ? 2 : 1);
  const context = optValue(c.args, ['--context', '-H', '--host']);
  const t = context ? [`docker:${context}`] : [];
  const compose = vs[0] === 'compose' || c.name === 'docker-compose';
  const v2 = compose && c.name !== 'docker-compose' ? vs.slice(1) : vs;
  if (compose) {
    let i = 0;
    while (v2[i] && v2[i].startsWith('-')) i += /^(?:-f|--file|-p|--project-name|--env-file|--profile|--project-directory)$/.test(v2[i]) ? 2 : 1;
    const sub = v2[i];
    const rest = v2.slice(i + 1);
    if (sub === 'down' && rest.some((v) => v === '-v' || v === '--volumes' || /^-[a-zA-Z]*v/.test(v))) hits.push(hit('container.compose-down-volumes', 'container', 'high', `${c.name === 'docker-compose' ? 'docker-compose' : c.name + ' compose'} down -v deletes the project's volumes and the data in them`, t));
    if (sub === 'rm' && rest.some((v) => v === '-v' || v === '--volumes')) hits.push(hit('container.volume-rm', 'container', 'high', 'compose rm -v deletes anonymous volumes', t));
    return hits;
  }
  const sub = vs[0];
  const obj = vs[1];
  const rest = vs.slice(2);
  if ((sub === 'volume' && (obj === 'prune')) || (sub === 'system' && obj === 'prune' && rest.some((v) => v === '--volumes'))) {
    hits.push(hit('container.volume-prune', 'container', 'high', `${c.name} ${sub} prune${rest.length ? ' ' + rest.join(' ') : ''} deletes ${rest.some((v) => v === '-a' || v === '--all') || sub === 'system' ? 'all unused volumes' : 'unused anonymous volumes'} and their data`, t));
  } else if (sub === 'volume' && (obj === 'rm' || obj === 'remove')) {
    hits.push(hit('container.volume-rm', 'container', 'high', `${c.name} volume rm deletes the volume ${rest.filter((v) => !v.startsWith('-')).join(' ')} and its data`.trim(), [...t, ...rest.filter((v) => !v.startsWith('-'))]));
  } else if (sub === 'system' && obj === 'prune') {
    hits.push(hit('container.prune', 'container', 'low', `${c.name} system prune removes unused containers, images and build cache`, t));
  } else if ((sub === 'rm' || (sub === 'container' && obj === 'rm')) && c.args.some((a) => a.value.includes(DYN))) {
    hits.push(hit('container.rm-all', 'container', 'high', `${c.name} rm removes containers chosen at run time (for example every container)${vs.some((v) => /^-[a-zA-Z]*v/.test(v)) ? ' with their volumes' : ''}`, t));
  } else if (sub === 'rm' && vs.some((v) => /^-[a-zA-Z]*v/.test(v) || v === '--volumes')) {
    hits.push(hit('container.volume-rm', 'container', 'high', `${c.name} rm -v deletes the container's volumes`, t));
  } else if (sub === 'context' && obj === 'use') {
    hits.push(hit('cred.context-switch', 'credentials', /prod/i.test(rest[0] ?? '') ? 'high' : 'low', `${c.name} context use ${rest[0] ?? ''} changes which Docker host later commands act on`, rest[0] ? [rest[0]] : t));
  }
  return hits;
};

export const infraRules: Record<string, Rule[]> = {
  terraform: [terraform],
  tofu: [terraform],
  terragrunt: [terraform],
  tf: [terraform],
  pulumi: [pulumi],
  cdk: [cdk],
  cdktf: [cdk],
  serverless: [serverless],
  sls: [serverless],
  sam: [sam],
  kubectl: [kubectl],
  oc: [kubectl],
  k: [kubectl],
  microk8s: [(c, ctx) => (c.args[0]?.value === 'kubectl' ? kubectl({ ...c, args: c.args.slice(1) }, ctx) : undefined)],
  kubectx: [kubectx],
  kubens: [kubectx],
  helm: [helm],
  docker: [docker],
  podman: [docker],
  nerdctl: [docker],
  'docker-compose': [docker],
  'podman-compose': [docker],
};
