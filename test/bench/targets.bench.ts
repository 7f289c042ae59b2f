/**
 * Per-command targets: prompt rates on the everyday corpus in a development, an unknown and a
 * production workspace; recall on the production-context corpus of state changes; prompts
 * for reads in production; and the time a check with target resolution takes. Prints
 * figures; asserts nothing (the thresholds are asserted as behaviour in
 * test/unit/environment/targets.test.ts).
 */
import { DEVELOPMENT, PRODUCTION, UNKNOWN, loadEveryday, loadTargetCorpus, rate, targetWorld } from '../unit/environment/targetFixture';

function pct(n: number, d: number): string {
  return `${n}/${d} (${((100 * n) / Math.max(d, 1)).toFixed(2)}%)`;
}

async function main(): Promise<void> {
  const [dev, unknown, prod] = await Promise.all([targetWorld(DEVELOPMENT), targetWorld(UNKNOWN), targetWorld(PRODUCTION)]);
  const unknownAllow = await targetWorld({ ...UNKNOWN, policy: { stateChanges: { unknown: 'allow' } } });
  try {
    const everyday = loadEveryday();
    for (const [name, w] of [
      ['development workspace', dev],
      ['unknown workspace (stateChanges.unknown: ask, the default)', unknown],
      ['unknown workspace (stateChanges.unknown: allow)', unknownAllow],
      ['production workspace', prod],
    ] as const) {
      const r = rate(w, everyday);
      console.log(`everyday corpus prompted, ${name}: ${pct(r.prompted.length, r.total)}`);
      for (const p of r.prompted) console.log(`    ${p}`);
    }
    const cases = loadTargetCorpus();
    const changes = cases.filter((c) => c.kind === 'change' && c.expect === 'ask');
    const inProd = changes.filter((c) => c.where === 'production');
    const mixed = changes.filter((c) => c.where === 'development');
    const asked = (list: typeof changes) => list.filter((c) => (c.where === 'production' ? prod : dev).check(c.command).decision !== 'allow');
    console.log(`recall, state changes in a production workspace: ${pct(asked(inProd).length, inProd.length)}`);
    console.log(`recall, production targets named from a development workspace: ${pct(asked(mixed).length, mixed.length)}`);
    const reads = cases.filter((c) => c.kind === 'read');
    console.log(`reads prompted in production: ${pct(reads.filter((c) => prod.check(c.command).decision !== 'allow').length, reads.length)}`);
    const devChanges = cases.filter((c) => c.where === 'development' && c.expect === 'allow');
    console.log(`state changes to development targets prompted: ${pct(devChanges.filter((c) => dev.check(c.command).decision !== 'allow').length, devChanges.length)}`);

    // Timing: a warm check that resolves a command's own target (psql "$DATABASE_URL" via .env, kubectl --context via the kubeconfig).
    const lines = ['psql "$DATABASE_URL" -c "DELETE FROM sessions WHERE id = 1"', 'kubectl --context prod apply -f x.yaml', 'terraform apply -var-file=infra/prod.tfvars', 'git status'];
    for (const l of lines) {
      for (let i = 0; i < 200; i++) dev.check(l);
      const n = 2000;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) dev.check(l);
      const per = Number(process.hrtime.bigint() - t0) / 1e6 / n;
      console.log(`warm check with target resolution: ${per.toFixed(3)} ms  ${l}`);
    }
  } finally {
    for (const w of [dev, unknown, prod, unknownAllow]) w.cleanup();
  }
}

void main();
