// `npm test`: every tier in turn (setup, lint and types, unit, integration in real VS Code
// servers, UI in Chromium against the workbench), with one summary line at the end. Setup
// comes first: the unit tier runs the gates in a real zsh, which a fresh machine lacks.
import { spawn } from 'node:child_process';

const tiers = [
  ['setup', 'bash', ['scripts/setup-vscode.sh']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['types', 'npm', ['run', '--silent', 'typecheck']],
  ['unit', 'npm', ['run', '--silent', 'test:unit']],
  ['integration', 'npm', ['run', '--silent', 'test:integration']],
  ['ui', 'npm', ['run', '--silent', 'test:ui']],
];
// TWOKEY_TIERS=unit,ui runs only those; a name that is no tier is an error, not an empty run.
const only = process.env.TWOKEY_TIERS?.split(',').filter(Boolean);
const unknown = (only ?? []).filter((n) => !tiers.some(([name]) => name === n));
if (unknown.length) {
  console.error(`TWOKEY_TIERS: no such tier: ${unknown.join(', ')} (tiers: ${tiers.map(([n]) => n).join(', ')})`);
  process.exit(64);
}

function runTier(name, cmd, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    p.on('close', (code) => {
      let pass = 0;
      let fail = 0;
      for (const m of out.matchAll(/^# pass (\d+)$/gm)) pass += Number(m[1]);
      for (const m of out.matchAll(/^# fail (\d+)$/gm)) fail += Number(m[1]);
      for (const m of out.matchAll(/integration: (\d+) passed, (\d+) failed/g)) {
        pass += Number(m[1]);
        fail += Number(m[2]);
      }
      if (code !== 0 && fail === 0) fail = 1;
      resolve({ name, code, pass, fail, secs: (Date.now() - started) / 1000 });
    });
  });
}

const results = [];
for (const [name, cmd, args] of tiers) {
  if (only?.length && !only.includes(name)) continue;
  console.log(`\n===== ${name} =====`);
  results.push(await runTier(name, cmd, args));
}
console.log('\n===== summary =====');
for (const r of results) console.log(`${r.name.padEnd(12)} ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.pass} passed, ${r.fail} failed (${r.secs.toFixed(1)}s)`);
const pass = results.reduce((a, r) => a + r.pass, 0);
const fail = results.reduce((a, r) => a + r.fail, 0);
console.log(`${pass} passed, ${fail} failed`);
// A run that ran no test passed nothing.
process.exit(results.every((r) => r.code === 0) && pass > 0 ? 0 : 1);
