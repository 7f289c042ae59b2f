/**
 * Per-command targets on the fixture folders of test/fixtures/targets: each kind of target
 * (database URLs and the .env files tools load, kube contexts and kubeconfigs, Terraform
 * workspaces and -var-files, AWS profiles and their role accounts, gcloud projects, Azure
 * subscriptions, PaaS links, HTTP tokens), mixed cases, the state-change tier, the terminal
 * that cannot lower the environment, and the corpus rates as behaviour.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { refusal, environmentLabel, confirmationWord } from '../../../src/core/decisions';
import { DEVELOPMENT, PRODUCTION, UNKNOWN, loadEveryday, loadTargetCorpus, rate, targetWorld, type TargetWorld } from './targetFixture';

let dev: TargetWorld;
let prod: TargetWorld;
let unknown: TargetWorld;

before(async () => {
  [dev, prod, unknown] = await Promise.all([targetWorld(DEVELOPMENT), targetWorld(PRODUCTION), targetWorld(UNKNOWN)]);
});
after(() => {
  for (const w of [dev, prod, unknown]) w?.cleanup();
});

function target(w: TargetWorld, command: string, env?: Record<string, string | undefined>) {
  const v = w.check(command, env);
  return { v, t: v.target, asked: v.decision !== 'allow' };
}

describe('database targets', () => {
  test('psql "$DATABASE_URL" reads the URL from .env: production host named, typed confirmation is the host/database', () => {
    const { v, t } = target(prod, `psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE user_id = 42"`);
    assert.equal(v.decision, 'ask');
    assert.deepEqual(t, { tool: 'psql', name: 'prod-db.acme.internal/app', how: 'DATABASE_URL in .env', environment: 'production' });
    assert.equal(v.typedConfirmation, true);
    assert.equal(v.confirmText, 'prod-db.acme.internal/app');
    assert.ok(!JSON.stringify(v).includes('Sup3rSecret'), 'the password never shows');
    assert.match(v.reason, /`psql` → `prod-db\.acme\.internal\/app` \(DATABASE_URL in \.env\) → production/);
  });

  test('the same write against the development .env runs unprompted; a SELECT never asks in production', () => {
    assert.equal(target(dev, `psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE user_id = 42"`).v.decision, 'allow');
    assert.equal(target(prod, `psql "$DATABASE_URL" -c "SELECT count(*) FROM users"`).v.decision, 'allow');
  });

  test('-h, URL arguments and redis-cli -u are targets of their own', () => {
    assert.equal(target(dev, `psql -h prod-db.acme.internal -c "UPDATE t SET x = 1 WHERE id = 2"`).t?.environment, 'production');
    const r = target(prod, 'redis-cli -u $REDIS_URL DEL session:42');
    assert.deepEqual([r.asked, r.t?.name, r.t?.how], [true, 'cache.prod.acme.internal', 'REDIS_URL in .env']);
    assert.equal(target(prod, 'redis-cli -u $REDIS_URL GET session:42').asked, false);
  });

  test('Prisma reads the variable its schema names, from .env; a prefix assignment is its own target', () => {
    const p = target(prod, 'npx prisma migrate deploy');
    assert.deepEqual([p.asked, p.t?.tool, p.t?.how], [true, 'prisma', 'DATABASE_URL in .env']);
    assert.equal(target(dev, 'npx prisma migrate deploy').asked, false);
    const inline = target(dev, 'DATABASE_URL=postgres://u:p@prod-db.acme.internal/app npx prisma migrate deploy');
    assert.deepEqual([inline.asked, inline.t?.name, inline.t?.how], [true, 'prod-db.acme.internal/app', 'DATABASE_URL on the command line']);
  });

  test('npm run db:push reads package.json: its script pushes a schema to the database in .env', () => {
    const r = target(prod, 'npm run db:push');
    assert.equal(r.asked, true);
    assert.ok(r.v.rules.includes('change.script'));
    assert.equal(target(dev, 'npm run db:push').asked, false);
    assert.equal(target(prod, 'npm run lint').asked, false);
  });

  test('RAILS_ENV=production and --settings=…production name the environment', () => {
    assert.equal(target(dev, 'RAILS_ENV=production bin/rails db:migrate').t?.environment, 'production');
    assert.equal(target(dev, 'python manage.py migrate --settings=acme.settings.production').t?.environment, 'production');
  });
});

describe('which SQL writes', () => {
  test('writes, data-modifying CTEs, EXPLAIN ANALYZE of a write, SELECT INTO and admin functions write; reads do not', async () => {
    const { sqlWrites } = await import('../../../src/core/rules/changes');
    for (const w of ['DELETE FROM x WHERE id = 1', 'select 1; update t set a = 1 where id = 2', 'WITH d AS (DELETE FROM x WHERE id = 1 RETURNING *) SELECT * FROM d', 'EXPLAIN ANALYZE DELETE FROM x WHERE id = 1', 'SELECT * INTO backup_users FROM users', 'SELECT pg_terminate_backend(123)', "COPY t FROM '/tmp/x.csv'", 'ALTER TABLE t ADD COLUMN c int', 'CALL refresh()']) {
      assert.equal(sqlWrites(w), true, w);
    }
    for (const r of ['SELECT count(*) FROM users', "SELECT * FROM t WHERE note = 'DELETE FROM x'", 'EXPLAIN SELECT * FROM t', 'WITH a AS (SELECT 1) SELECT * FROM a', 'SHOW search_path', '\\dt', '-- DELETE FROM x\nSELECT 1']) {
      assert.equal(sqlWrites(r), false, r);
    }
  });
});

describe('Kubernetes targets', () => {
  test('a development workspace, kubectl --context prod apply: production, named with its server, typed as "prod"', () => {
    const { v, t } = target(dev, 'kubectl --context prod apply -f x.yaml');
    assert.equal(v.decision, 'ask');
    assert.equal(v.environment, 'production');
    assert.deepEqual(t, { tool: 'kubectl', name: 'prod', how: '--context, server prod.k8s.acme.io', environment: 'production' });
    assert.equal(v.confirmText, 'prod');
    assert.equal(confirmationWord(v), 'prod');
  });

  test('current-context decides when no --context is given; reads never ask', () => {
    const d = target(dev, 'kubectl apply -f x.yaml');
    assert.deepEqual([d.asked, d.t?.name, d.t?.environment], [false, 'kind-dev', 'development']);
    const p = target(prod, 'kubectl rollout restart deploy/api');
    assert.deepEqual([p.asked, p.t?.how], [true, 'current-context in ~/.kube/config, server prod.k8s.acme.io']);
    for (const read of ['kubectl get pods', 'kubectl logs deploy/api', 'kubectl describe deploy api', 'kubectl apply -f x.yaml --dry-run=server']) assert.equal(target(prod, read).asked, false, read);
  });

  test('--kubeconfig and KUBECONFIG= point at another file, whose current context is production', () => {
    const a = target(dev, 'kubectl --kubeconfig ~/.kube/prod-only.yaml rollout restart deploy/api');
    assert.deepEqual([a.asked, a.t?.name], [true, 'main']);
    assert.match(a.t!.how, /current-context in ~\/\.kube\/prod-only\.yaml/);
    assert.equal(target(dev, 'KUBECONFIG=~/.kube/prod-only.yaml kubectl apply -f x.yaml').t?.environment, 'production');
  });

  test('an unplaced context (gke_acme_…_main) is unknown: asked by default, not typed', () => {
    const { v } = target(dev, 'kubectl --context gke_acme_us-central1_main apply -f x.yaml');
    assert.equal(v.decision, 'ask');
    assert.equal(v.environment, 'unknown');
    assert.equal(v.typedConfirmation, false);
  });

  test('helm --kube-context', () => {
    assert.equal(target(dev, 'helm upgrade api ./chart --kube-context prod').t?.environment, 'production');
    assert.equal(target(dev, 'helm upgrade api ./chart').asked, false);
  });
});

describe('Terraform targets', () => {
  test('.terraform/environment and -chdir', () => {
    const t = target(prod, 'terraform apply -target=module.db');
    assert.deepEqual([t.asked, t.t?.name, t.t?.how], [true, 'prod', 'workspace in .terraform/environment']);
    assert.equal(target(prod, 'terraform -chdir=envs/prod apply').t?.environment, 'production');
    assert.equal(target(prod, 'terraform plan').asked, false);
  });

  test('-var-file=prod.tfvars: its name and the environment it declares', () => {
    const t = target(dev, 'terraform apply -var-file=infra/prod.tfvars');
    assert.deepEqual([t.asked, t.t?.name, t.t?.how], [true, 'prod', '-var-file=infra/prod.tfvars, environment = "production"']);
    assert.equal(target(dev, 'terraform apply -var-file=infra/dev.tfvars').asked, false);
    assert.equal(target(dev, 'TF_WORKSPACE=prod tofu apply').t?.environment, 'production');
  });
});

describe('cloud targets', () => {
  test("AWS: --profile, AWS_PROFILE= and the default profile's role account placed in production", () => {
    const p = target(dev, 'aws --profile prod-admin s3 sync ./dist s3://assets');
    assert.deepEqual([p.asked, p.t?.name, p.t?.how], [true, 'prod-admin', '--profile, account 999999999999']);
    // `analytics` says nothing by its name; its role's account is production.
    assert.equal(target(dev, 'aws --profile analytics ssm put-parameter --name /x --value y --overwrite').t?.environment, 'production');
    assert.equal(target(dev, 'aws --profile sandbox s3 sync ./dist s3://acme-dev-assets').asked, false);
    const d = target(prod, 'aws ecs update-service --cluster main --service api --force-new-deployment');
    assert.deepEqual([d.asked, d.t?.name], [true, 'default']);
    assert.equal(target(prod, 'aws ecs describe-services --cluster main --services api').asked, false);
    assert.equal(target(prod, 'aws s3 cp s3://acme-web-assets/index.html .').asked, false, 'a download is a read');
  });

  test('gcloud --project and the active configuration; Azure --subscription and the default subscription', () => {
    assert.equal(target(dev, 'gcloud run deploy api --project acme-prod').t?.environment, 'production');
    const g = target(dev, 'gcloud run deploy api');
    assert.deepEqual([g.asked, g.t?.name, g.t?.how], [false, 'acme-sandbox', 'project of the gcloud configuration default']);
    assert.equal(target(dev, 'gcloud run services describe api --project acme-prod').asked, false);
    assert.equal(target(dev, 'az webapp restart --name api -g rg --subscription "Acme Production"').t?.environment, 'production');
    const a = target(dev, 'az webapp restart --name api -g rg');
    assert.deepEqual([a.asked, a.t?.name], [false, 'Acme Dev']);
  });
});

describe('PaaS targets', () => {
  test('Railway: the linked environment, --environment, and railway run <migration>', () => {
    const r = target(prod, 'railway up');
    assert.deepEqual([r.asked, r.t?.name], [true, 'production']);
    assert.match(r.t!.how, /environment linked in ~\/\.railway\/config\.json/);
    assert.equal(target(dev, 'railway up').asked, false);
    assert.equal(target(dev, 'railway up --environment production').asked, true);
    const run = target(prod, 'railway run npx prisma migrate deploy');
    assert.deepEqual([run.asked, run.t?.tool], [true, 'railway']);
    assert.equal(target(prod, 'railway logs').asked, false);
  });

  test('Fly: fly.toml and -a; Heroku: the git remote and -a; git push heroku', () => {
    const f = target(prod, 'fly deploy');
    assert.deepEqual([f.asked, f.t?.name, f.t?.how], [true, 'acme-api-prod', 'app in fly.toml']);
    assert.equal(target(dev, 'fly deploy -a acme-api-prod').v.confirmText, 'acme-api-prod');
    const h = target(prod, 'heroku config:set FEATURE_X=1');
    assert.deepEqual([h.asked, h.t?.name, h.t?.how], [true, 'acme-api-prod', 'git remote heroku']);
    assert.equal(target(prod, 'git push heroku main').asked, true);
    assert.equal(target(prod, 'heroku run rake db:migrate').t?.tool, 'heroku');
    assert.equal(target(prod, 'heroku logs --tail').asked, false);
  });

  test('Vercel --prod is production; a preview deployment is staging, which the default policy does not ask', () => {
    const v = target(prod, 'vercel --prod');
    assert.deepEqual([v.asked, v.t?.name], [true, 'acme-web (production)']);
    assert.equal(target(prod, 'vercel deploy').asked, false);
  });

  test('Supabase: the linked project, --db-url, --local; Neon and PlanetScale main branches', () => {
    const s = target(prod, 'supabase db push');
    assert.deepEqual([s.asked, s.t?.name, s.t?.how], [true, 'abcdefghijklmnopqrst', 'project linked in supabase/.temp/project-ref']);
    assert.equal(target(dev, 'supabase db push --db-url postgres://postgres:pw@db.prod.acme.internal:5432/postgres').t?.environment, 'production');
    assert.equal(target(dev, 'supabase db push --local').asked, false);
    assert.equal(target(dev, 'neonctl branches reset main --parent').t?.name, 'main');
    assert.equal(target(dev, 'pscale branch promote acme main').asked, true);
  });
});

describe('HTTP targets', () => {
  test('a write with a token whose name says production, or a live-mode key, is production; GETs never ask', () => {
    const t = target(dev, 'curl -X POST https://api.acme.io/admin/flush -H "Authorization: Bearer $PROD_ADMIN_TOKEN"');
    assert.deepEqual([t.asked, t.t?.environment], [true, 'production']);
    assert.equal(target(dev, 'curl -X DELETE https://api.stripe.com/v1/customers/cus_1 -u sk_live_abc123:').t?.environment, 'production');
    assert.equal(target(prod, 'curl -s https://api.acme.io/v1/users -H "Authorization: Bearer $PROD_ADMIN_TOKEN"').asked, false);
    assert.equal(target(prod, `curl -X POST localhost:3000/api/login -d '{"u":"a"}'`).asked, false, 'localhost is development');
  });
});

describe('targets chosen at run time or hidden in a URL', () => {
  test('an option whose value is only known at run time makes the target unknown, not the current context', () => {
    const v = dev.check('kubectl --context "$CTX" apply -f x.yaml');
    assert.equal(v.decision, 'ask');
    assert.equal(v.environment, 'unknown');
    assert.equal(dev.check('aws --profile "$P" ssm put-parameter --name /x --value y').environment, 'unknown');
  });

  test('a connection variable set nowhere TwoKey can see is unknown; ?host= in a URL is a host', () => {
    assert.equal(dev.check(`psql "$REPORTING_CONN" -c "UPDATE t SET x = 1 WHERE id = 2"`).environment, 'unknown');
    const q = dev.check(`psql "postgres:///app?host=prod-db.acme.internal" -c "UPDATE t SET x = 1 WHERE id = 2"`);
    assert.deepEqual([q.decision, q.environment], ['ask', 'production']);
  });
});

describe('the terminal cannot lower the environment', () => {
  test('export DATABASE_URL=localhost in a terminal does not hide the production URL in .env, and the evidence says so', () => {
    const v = prod.check(`psql "$DATABASE_URL" -c "UPDATE users SET plan='pro' WHERE id=7"`, { DATABASE_URL: 'postgres://localhost/app', NODE_ENV: 'development' });
    assert.equal(v.decision, 'ask');
    assert.equal(v.environment, 'production');
    assert.equal(v.target?.name, 'prod-db.acme.internal/app');
    const note = v.evidence.find((e) => e.signal === 'terminal:cannot-lower');
    assert.ok(note, JSON.stringify(v.evidence));
    assert.match(note.value, /NODE_ENV=development/);
  });

  test('a terminal KUBECONFIG pointing at a development cluster does not lower the production current context', () => {
    const v = prod.check('kubectl apply -f x.yaml', { KUBECONFIG: path.join(dev.home, '.kube', 'config') });
    assert.equal(v.decision, 'ask');
    assert.equal(v.target?.name, 'prod-eks');
  });

  test('a terminal variable can raise it', () => {
    const v = dev.check('npx prisma migrate deploy', { DATABASE_URL: 'postgres://u:p@prod-db.acme.internal/app' });
    assert.equal(v.decision, 'ask');
    assert.equal(v.target?.how, 'DATABASE_URL in the terminal');
  });
});

describe('policy', () => {
  test('stateChanges.unknown "allow" stops unknown targets asking; staging "ask" makes previews ask', async () => {
    const w = await targetWorld({ ...UNKNOWN, policy: { stateChanges: { unknown: 'allow', staging: 'ask' } } });
    try {
      assert.equal(w.check('kubectl apply -f x.yaml').decision, 'allow');
      assert.equal(w.check('vercel deploy').decision, 'ask');
      assert.equal(w.check('kubectl delete namespace payments').decision, 'ask', 'destructive commands still ask');
    } finally {
      w.cleanup();
    }
  });

  test('a workspace marked development stops unknown prompts; production evidence still wins over the mark', async () => {
    const w = await targetWorld({ ...UNKNOWN, workspacePolicy: { workspaceEnvironment: 'development' } });
    try {
      assert.equal(unknown.check('npx prisma migrate deploy').decision, 'ask');
      assert.equal(w.check('npx prisma migrate deploy').decision, 'allow');
      assert.equal(w.check('kubectl --context prod-cluster apply -f x.yaml').decision, 'ask');
    } finally {
      w.cleanup();
    }
    const marked = await targetWorld({ ...PRODUCTION, workspacePolicy: { workspaceEnvironment: 'development' } });
    try {
      assert.equal(marked.check('npx prisma migrate deploy').decision, 'ask');
    } finally {
      marked.cleanup();
    }
  });

  test('an untrusted workspace cannot mark itself development nor allow unknown state changes', async () => {
    const { mergePolicyReport } = await import('../../../src/core/policy');
    const r = mergePolicyReport([{ source: 'workspace', policy: { workspaceEnvironment: 'development', stateChanges: { unknown: 'allow' } } }], { trusted: false });
    assert.equal(r.policy.workspaceEnvironment, undefined);
    assert.equal(r.policy.stateChanges.unknown, 'ask');
    assert.equal(r.ignored.length, 2);
  });
});

describe('marking a workspace', () => {
  test('the mark is written into the policy file, comments kept, and parses', async () => {
    const { markWorkspaceText, parsePolicyLayer } = await import('../../../src/core/policy');
    const text = '{\n  // ours\n  "version": 1,\n  "environments": { "production": { "hosts": ["*.acme.io"] } }\n}\n';
    const marked = markWorkspaceText(text, 'development');
    assert.match(marked, /\/\/ ours/);
    assert.equal(parsePolicyLayer(marked).layer?.workspaceEnvironment, 'development');
    assert.deepEqual(parsePolicyLayer(marked).layer?.environments?.production?.hosts, ['*.acme.io']);
    assert.equal(parsePolicyLayer(markWorkspaceText(undefined, 'staging')).layer?.workspaceEnvironment, 'staging');
    assert.equal(parsePolicyLayer(markWorkspaceText(marked, 'production')).layer?.workspaceEnvironment, 'production');
  });

  test('a mark below production, or state changes allowed, is a loosening the policy watch asks about; marking production is not', async () => {
    const { policyLoosening } = await import('../../../src/core/credentials');
    const { markWorkspaceText } = await import('../../../src/core/policy');
    const empty = '{ "version": 1 }';
    assert.deepEqual(policyLoosening(empty, markWorkspaceText(empty, 'development')).reasons, ['the workspace is marked development']);
    assert.equal(policyLoosening(empty, markWorkspaceText(empty, 'production')).loosening, false);
    assert.equal(policyLoosening(markWorkspaceText(empty, 'production'), empty).loosening, true);
    assert.deepEqual(policyLoosening(empty, '{ "version": 1, "stateChanges": { "unknown": "allow" } }').reasons, ['state changes to unknown targets run without asking']);
    assert.equal(policyLoosening(empty, '{ "version": 1, "stateChanges": { "staging": "ask" } }').loosening, false);
  });
});

describe('what people and agents read', () => {
  test('the refusal and the modal label name the target and how it was resolved', () => {
    const v = prod.check(`psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE user_id = 42"`);
    const msg = refusal(`psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE user_id = 42"`, v, 'a person denied it');
    assert.match(msg, /^TwoKey: refused .* in production \(`psql` → `prod-db\.acme\.internal\/app` \(DATABASE_URL in \.env\) → production\)/);
    assert.match(environmentLabel(v), /DATABASE_URL in \.env/);
  });

  test('without a known name the typed confirmation stays the environment', () => {
    const v = prod.check('rm -rf src');
    assert.equal(v.target, undefined);
    assert.equal(confirmationWord(v), v.environment === 'unknown' ? 'production' : v.environment);
  });
});

describe('rates', () => {
  test('everyday corpus: at most 1% prompted in a development workspace', () => {
    const r = rate(dev, loadEveryday());
    assert.ok(r.prompted.length <= r.total * 0.01, `${r.prompted.length}/${r.total}:\n${r.prompted.join('\n')}`);
  });

  test('production-context corpus: at least 95% of state changes asked, no read asked, mixed cases typed as their target', () => {
    const cases = loadTargetCorpus();
    const changes = cases.filter((c) => c.kind === 'change' && c.expect === 'ask');
    const missed = changes.filter((c) => (c.where === 'production' ? prod : dev).check(c.command).decision === 'allow').map((c) => c.command);
    assert.ok(missed.length <= changes.length * 0.05, `missed ${missed.length}/${changes.length}:\n${missed.join('\n')}`);
    const reads = cases.filter((c) => c.kind === 'read');
    const askedReads = reads.filter((c) => prod.check(c.command).decision !== 'allow').map((c) => c.command);
    assert.deepEqual(askedReads, []);
    const wrongName = cases.filter((c) => c.confirm).filter((c) => dev.check(c.command).confirmText !== c.confirm).map((c) => c.command);
    assert.deepEqual(wrongName, []);
    const devAllowed = cases.filter((c) => c.where === 'development' && c.expect === 'allow').filter((c) => dev.check(c.command).decision !== 'allow').map((c) => c.command);
    assert.deepEqual(devAllowed, []);
  });
});
