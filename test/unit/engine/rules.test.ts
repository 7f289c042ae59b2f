/** Each rule pack: commands that must fire (with the rule id) and look-alikes that must not prompt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './helpers';
import { createEngine } from '../../../src/core/engine';

const packs: Record<string, { fire: [string, string][]; quiet: string[] }> = {
  filesystem: {
    fire: [
      ['rm -rf ~/project', 'fs.rm.recursive'],
      ['rm -rf /', 'fs.rm.root'],
      ['rm -rf ~', 'fs.rm.home'],
      ['rm -rf .', 'fs.rm.workspace-root'],
      ['rm -rf /etc', 'fs.rm.system'],
      ['rm -rf src', 'fs.rm.recursive'],
      ['find . -name "*.sql" -delete', 'fs.find.delete'],
      ['shred -u db.sqlite', 'fs.shred'],
      ['dd if=/dev/zero of=/dev/sda', 'fs.dd.device'],
      ['mkfs.ext4 /dev/sdb1', 'fs.disk.format'],
      ['truncate -s 0 app.db', 'fs.truncate'],
      ['chmod -R 777 /', 'fs.chmod.recursive'],
      ['mv ~ /tmp/x', 'fs.mv.critical'],
      ['rsync -a --delete a/ ~/project/', 'fs.rsync.delete'],
    ],
    quiet: ['rm -rf node_modules dist .next build target', 'rm -rf /tmp/xyz', 'rm file.txt', 'find . -name "*.pyc" -delete', 'chmod +x run.sh', 'mv a.txt b.txt', 'dd if=/dev/zero of=disk.img count=1'],
  },
  git: {
    fire: [
      ['git push --force origin main', 'git.push.force'],
      ['git push origin +main', 'git.push.force'],
      ['git push origin --delete old', 'git.push.delete'],
      ['git reset --hard HEAD~3', 'git.reset.hard'],
      ['git clean -fdx', 'git.clean.force'],
      ['git checkout -- .', 'git.checkout.discard'],
      ['git restore .', 'git.checkout.discard'],
      ['git branch -D feature', 'git.branch.force-delete'],
      ['git stash clear', 'git.stash.drop'],
      ['git filter-branch --force HEAD', 'git.history.rewrite'],
      ['git reflog expire --expire=now --all', 'git.reflog.expire'],
      ['git gc --prune=now', 'git.gc.prune'],
    ],
    quiet: ['git status', 'git push', 'git push --force-with-lease', 'git reset HEAD~1', 'git clean -n', 'git checkout -b x', 'git branch -d merged', 'git stash pop'],
  },
  database: {
    fire: [
      ["psql $DATABASE_URL -c 'DROP TABLE users'", 'db.sql.drop'],
      ['psql <<EOF\nDELETE FROM users;\nEOF', 'db.sql.delete-all'],
      ["mysql -e 'TRUNCATE logs'", 'db.sql.truncate'],
      ["sqlite3 app.db 'UPDATE users SET admin = 1'", 'db.sql.update-all'],
      ["psql -c 'ALTER TABLE t DROP COLUMN c'", 'db.sql.alter-drop'],
      ['dropdb app', 'db.dropdb'],
      ["mongosh --eval 'db.users.deleteMany({})'", 'db.mongo.delete-all'],
      ["echo 'FLUSHALL' | redis-cli", 'db.redis.flush'],
      ['prisma migrate reset --force', 'db.orm.reset'],
      ['rails db:drop', 'db.orm.reset'],
      ['python manage.py flush', 'db.orm.reset'],
      ['supabase db reset', 'db.orm.reset'],
      ['npx sequelize db:drop', 'db.orm.reset'],
      ['drizzle-kit push --force', 'db.orm.reset'],
    ],
    quiet: ["psql -c 'SELECT 1'", "psql -c \"DELETE FROM s WHERE id = 1\"", 'redis-cli ping', 'prisma migrate dev', "mongosh --eval 'db.u.find()'"],
  },
  cloud: {
    fire: [
      ['aws s3 rm s3://bucket --recursive --profile prod', 'cloud.aws.s3-rm-recursive'],
      ['aws s3 rb s3://b --force', 'cloud.aws.s3-rb'],
      ['aws rds delete-db-instance --db-instance-identifier x', 'cloud.aws.delete'],
      ['aws ec2 terminate-instances --instance-ids i-1', 'cloud.aws.terminate'],
      ['gcloud projects delete p', 'cloud.gcloud.delete'],
      ['az group delete -n rg', 'cloud.azure.delete'],
      ['doctl compute droplet delete d1', 'cloud.doctl.delete'],
      ['oci compute instance terminate --instance-id x', 'cloud.oci.delete'],
    ],
    quiet: ['aws s3 ls', 'aws s3 cp a s3://b/', 'gcloud compute instances list', 'az group list', 'doctl compute droplet list'],
  },
  iac: {
    fire: [
      ['terraform destroy -auto-approve', 'iac.terraform.destroy'],
      ['terraform apply -auto-approve', 'iac.terraform.apply-auto-approve'],
      ['terraform state rm aws_s3_bucket.b', 'iac.terraform.state-rm'],
      ['terraform workspace delete staging', 'iac.terraform.workspace-delete'],
      ['tofu destroy', 'iac.terraform.destroy'],
      ['pulumi destroy --yes', 'iac.pulumi.destroy'],
      ['pulumi up --yes', 'iac.pulumi.up-yes'],
      ['cdk destroy', 'iac.cdk.destroy'],
    ],
    quiet: ['terraform plan', 'terraform init', 'pulumi preview', 'cdk diff'],
  },
  kubernetes: {
    fire: [
      ['kubectl delete ns payments', 'k8s.delete.namespace'],
      ['kubectl delete pods --all', 'k8s.delete.all'],
      ['kubectl delete pvc data-0', 'k8s.delete.pvc'],
      ['kubectl delete deploy api', 'k8s.delete'],
      ['kubectl drain node-1', 'k8s.drain'],
      ['kubectl scale deploy api --replicas=0', 'k8s.scale-zero'],
      ['helm uninstall api', 'k8s.helm.uninstall'],
    ],
    quiet: ['kubectl get pods', 'kubectl apply -f k.yaml', 'kubectl scale deploy api --replicas=3', 'helm list'],
  },
  paas: {
    fire: [
      ['railway volume delete vol_123', 'paas.railway.volume-delete'],
      ['railway down', 'paas.railway.down'],
      ['railway environment delete staging', 'paas.railway.environment-delete'],
      ['railway variables delete KEY', 'paas.railway.variables-delete'],
      ['fly apps destroy app', 'paas.fly.app-destroy'],
      ['heroku apps:destroy -a app', 'paas.heroku.apps-destroy'],
      ['heroku pg:reset', 'paas.heroku.pg-reset'],
      ['vercel remove app --yes', 'paas.vercel.remove'],
      ['vercel env rm KEY production', 'paas.vercel.env-rm'],
      ['netlify sites:delete id', 'paas.netlify.delete'],
      ['neonctl projects delete p', 'paas.neon.delete'],
      ['pscale branch delete db main', 'paas.planetscale.delete'],
      ['supabase projects delete ref', 'paas.supabase.delete'],
    ],
    quiet: ['railway up', 'railway logs', 'fly deploy', 'heroku logs', 'vercel deploy', 'netlify deploy'],
  },
  'http-api': {
    fire: [
      ['curl -X DELETE https://api.github.com/repos/o/r', 'http.delete'],
      [`curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $T" -d '{"query":"mutation { volumeDelete(volumeId: \\"v1\\") }"}'`, 'http.graphql.delete-mutation'],
      ['gh api -X DELETE repos/o/r', 'http.delete'],
      ['http DELETE https://api.example.com/x', 'http.delete'],
      ['wget --method=DELETE https://api.example.com/x', 'http.delete'],
    ],
    quiet: ['curl https://example.com', 'curl -X DELETE http://localhost:3000/x', `curl https://api.example.com/graphql -d '{"query":"query { me { id } }"}'`, 'gh api repos/o/r'],
  },
  container: {
    fire: [
      ['docker compose down -v', 'container.compose-down-volumes'],
      ['docker volume prune -a', 'container.volume-prune'],
      ['docker volume rm data', 'container.volume-rm'],
      ['docker rm -f $(docker ps -aq)', 'container.rm-all'],
      ['docker system prune --volumes', 'container.volume-prune'],
    ],
    quiet: ['docker ps', 'docker compose down', 'docker image prune -f', 'docker compose up -d'],
  },
  credentials: {
    fire: [
      ['cp .env.production .env', 'cred.env-file-write'],
      ['export AWS_PROFILE=prod', 'cred.export'],
      ['export GITHUB_TOKEN=ghp_x', 'cred.export'],
      ['kubectl config use-context prod', 'cred.context-switch'],
      ['gcloud config set project prod', 'cred.context-switch'],
      ['az account set --subscription prod', 'cred.context-switch'],
      ['aws configure set region eu-west-1', 'cred.context-switch'],
      ['railway link', 'cred.context-switch'],
      ['gh auth login', 'cred.context-switch'],
      ['npm config set //registry.npmjs.org/:_authToken x', 'cred.token-write'],
      ['cat k > ~/.ssh/id_ed25519', 'cred.ssh-key-overwrite'],
    ],
    quiet: ['cp .env.example .env', 'cat .env', 'export PATH=$PATH:/x', 'kubectl config get-contexts', 'gcloud config list'],
  },
  agent: {
    fire: [
      ['claude --dangerously-skip-permissions', 'agent.approvals-disabled'],
      ['q chat --trust-all-tools', 'agent.approvals-disabled'],
      ['gemini --yolo', 'agent.approvals-disabled'],
      ['codex --ask-for-approval never', 'agent.approvals-disabled'],
    ],
    quiet: ['claude', 'codex "fix it"', 'gemini -p hi'],
  },
  'guard-config': {
    fire: [
      ["echo '{}' > .twokey/policy.json", 'guard.policy-edit'],
      ['rm .twokey/audit.jsonl', 'guard.policy-edit'],
      ['cp x.json .claude/settings.json', 'guard.policy-edit'],
      ['rm .cursor/hooks.json', 'guard.policy-edit'],
    ],
    quiet: ['cat .twokey/policy.json', 'ls .claude'],
  },
};

for (const [pack, { fire, quiet }] of Object.entries(packs)) {
  test(`${pack}: destructive commands fire their rule and are not allowed`, async () => {
    for (const [line, id] of fire) {
      const v = await check(line);
      assert.ok(v.rules.includes(id), `${line}: expected ${id}, got ${v.rules.join(',') || 'nothing'}`);
      assert.notEqual(v.decision, 'allow', `${line} should not be allowed`);
      assert.ok(v.reason.length > 20 && !v.reason.includes('\n'), `${line}: reason should be one sentence`);
    }
  });
  test(`${pack}: look-alikes do not prompt`, async () => {
    for (const line of quiet) {
      const v = await check(line);
      assert.equal(v.decision, 'allow', `${line}: ${v.reason}`);
    }
  });
}

test('decision mapping: critical → typed ask; high in development → ask without typing; low → allow', async () => {
  const dev = await createEngine({ resolveEnvironment: () => ({ environment: 'development', evidence: [{ signal: 'test', value: 'dev', environment: 'development' }] }) });
  const high = dev.check({ command: 'git reset --hard', cwd: '/w', workspaceRoot: '/w' });
  assert.equal(high.decision, 'ask');
  assert.equal(high.typedConfirmation, false);
  assert.equal(high.environment, 'development');
  const crit = dev.check({ command: 'rm -rf /', cwd: '/w', workspaceRoot: '/w' });
  assert.equal(crit.typedConfirmation, true);
  const unknownHigh = await check('git reset --hard');
  assert.equal(unknownHigh.environment, 'unknown');
  assert.equal(unknownHigh.typedConfirmation, true);
  const low = await check('rm -rf node_modules');
  assert.equal(low.decision, 'allow');
  assert.equal(low.risk, 'low');
});

test('overrides: deny wins, allow does not prompt', async () => {
  const deny = await createEngine({ overrides: (hits) => hits.map((h) => ({ ...h, decision: 'deny' as const })) });
  assert.equal(deny.check({ command: 'terraform destroy' }).decision, 'deny');
  const allow = await createEngine({ overrides: (hits) => hits.map((h) => ({ ...h, decision: 'allow' as const })) });
  const v = allow.check({ command: 'terraform destroy' });
  assert.equal(v.decision, 'allow');
  assert.ok(v.rules.includes('iac.terraform.destroy'));
});

test('targets name paths, hosts and resources', async () => {
  const v = await check('aws s3 rm s3://bucket --recursive --profile prod');
  assert.ok(v.targets.includes('s3://bucket'));
  assert.ok(v.targets.some((t) => t.includes('prod')));
  const h = await check('curl -X DELETE https://api.github.com/repos/o/r');
  assert.ok(h.targets.includes('api.github.com'));
  const f = await check('rm -rf ~/project');
  assert.ok(f.targets.includes('/home/dev/project'));
});

test('curl -d @file reads the body through readFile', async () => {
  const e = await createEngine({ readFile: (p) => (p === 'body.json' ? '{"query":"mutation { projectDelete(id: \\"p\\") }"}' : undefined) });
  const v = e.check({ command: 'curl https://backboard.railway.app/graphql/v2 -d @body.json' });
  assert.ok(v.rules.includes('http.graphql.delete-mutation'), v.rules.join(','));
});
