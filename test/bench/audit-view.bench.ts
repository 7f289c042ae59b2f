/**
 * The audit view in a real browser (Chromium through playwright-core, when one is installed):
 * the webview's HTML, CSS and script as the extension ships them, with a stand-in for the
 * extension host that answers the same messages from an AuditViewModel over a log of
 * 100,000 records. Prints: open to first rows, open to all loaded, filter, search, scroll,
 * detail. Also fails on any CSP violation or script error. No time assertions.
 * Set CHROMIUM=/path/to/chrome to choose the browser; skipped when none is found.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditLog, AuditViewModel, GENESIS, normaliseEntry, seal, type AuditRecord, type ViewFilters } from '../../src/core/audit';
import { auditViewHtml } from '../../src/ui/auditViewHtml';
import { auditViewText } from '../../src/webview/auditView/text';

// Callbacks passed to page.evaluate run in the page: DOM globals, untyped here (no DOM lib).
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const BATCH = Number(process.env.BATCH || 1000);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const ROOT = path.resolve(__dirname, '../../..');

function findChromium(): string | undefined {
  const c = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
  return c.find((p) => fs.existsSync(p));
}

function buildLog(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const envs = ['production', 'staging', 'development', 'unknown'] as const;
  const decisions = ['allowed', 'denied', 'timed-out', 'observed'] as const;
  let prev = GENESIS;
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const r = seal(
      normaliseEntry({
        ts: new Date(Date.parse('2025-01-01T00:00:00Z') + i * 1000).toISOString(),
        source: (['terminal', 'claude-code', 'cursor', 'task'] as const)[i % 4],
        command: `rm -rf ./build/output-${i} && railway volume delete vol_${i.toString(36)}`,
        cwd: `/home/dev/app-${i % 7}`,
        environment: envs[i % 4],
        evidence: [{ signal: 'env:NODE_ENV', value: envs[i % 4], environment: envs[i % 4] }],
        risk: (['none', 'low', 'high', 'critical'] as const)[i % 4],
        rules: ['fs.rm.recursive'],
        decision: decisions[(i >> 2) % 4],
        decidedBy: 'policy',
        durationMs: 1,
        reason: 'Deletes a volume.',
      }),
      i,
      prev,
    );
    prev = r.hash;
    out.push(JSON.stringify(r) + '\n');
  }
  fs.writeFileSync(path.join(dir, 'audit.jsonl'), out.join(''));
}

async function main(): Promise<void> {
  const exe = findChromium();
  let pw: typeof import('playwright-core');
  try {
    pw = require('playwright-core') as typeof import('playwright-core');
  } catch {
    console.log('skipped: playwright-core is not installed');
    return;
  }
  if (!exe) {
    console.log('skipped: no Chromium found (set CHROMIUM)');
    return;
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-view-'));
  const browser = await pw.chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const N = 100_000;
    const dir = path.join(base, '.twokey');
    buildLog(dir, N);
    const log = new AuditLog({ dir, maxBytes: 0 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    const origin = 'https://twokey.test';
    const html = auditViewHtml({ cspSource: origin, nonce: 'bm9uY2Utbm9uY2U=', cssUri: `${origin}/media/audit-view.css`, jsUri: `${origin}/dist/audit-view.js`, text: auditViewText((m) => m) });
    await page.route(`${origin}/**`, (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html });
      const f = path.join(ROOT, u.pathname);
      if (!f.startsWith(path.join(ROOT, 'media')) && !f.startsWith(path.join(ROOT, 'dist'))) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: f.endsWith('.css') ? 'text/css' : 'text/javascript', body: fs.readFileSync(f) });
    });

    // The host side, as AuditView does it.
    const model = new AuditViewModel();
    let loading = true;
    const send = (m: unknown) => page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), m as never).catch(() => undefined);
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((r) => (ready = r));
    await page.exposeFunction('__twokeyHost', (m: { type: string; gen: number; filters: ViewFilters; start: number; count: number; id: string }) => {
      if (m.type === 'ready') {
        ready();
        void send({ type: 'status', loaded: model.size, loading });
      }
      if (m.type === 'query') void send({ type: 'rows', gen: m.gen, loading, ...model.query(m.filters, m.start, m.count) });
      if (m.type === 'detail') void send({ type: 'detail', record: model.find(m.id) ?? null });
    });
    await page.addInitScript(() => {
      let st: unknown;
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (window as unknown as { __twokeyHost: (m: unknown) => void }).__twokeyHost(m),
        getState: () => st,
        setState: (s: unknown) => (st = s),
      });
    });

    const tBoot = now();
    const navigated = page.goto(origin + '/');
    await isReady;
    const boot = now() - tBoot;
    const t0 = now();
    const loaded = (async () => {
      let batch: AuditRecord[] = [];
      let first = true;
      let lastStatus = 0;
      for (const r of log.read()) {
        batch.push(r);
        if (batch.length >= (first ? 500 : BATCH)) {
          model.addOlder(batch);
          batch = [];
          first = false;
          // Like AuditView.status(): progress at most every 100 ms.
          if (now() - lastStatus > 100) {
            lastStatus = now();
            void send({ type: 'status', loaded: model.size, loading });
          }
          await new Promise((res) => setImmediate(res));
        }
      }
      model.addOlder(batch);
      loading = false;
      void send({ type: 'status', loaded: model.size, loading });
      return now() - t0;
    })();
    await navigated;
    await page.waitForSelector('#rows .row');
    const firstRows = now() - t0;
    const allRead = await loaded;
    await page.waitForFunction((n) => document.getElementById('table')?.dataset.loaded === String(n) && document.getElementById('table')?.dataset.loading === 'false', N);
    const allShown = now() - t0;
    const rendered = await page.locator('#rows .row').count();
    console.log(`page boot (HTML, CSS, script, first message): ${boot.toFixed(0)} ms`);
    console.log(`open, from the webview's first message: first rows after ${firstRows.toFixed(0)} ms; all ${N} records read after ${allRead.toFixed(0)} ms, shown as loaded after ${allShown.toFixed(0)} ms; ${rendered} row elements in the DOM`);
    const top = await page.locator('#rows .row').first().getAttribute('data-seq');
    console.log(`  newest first: top row seq ${top}`);

    let t = now();
    await page.selectOption('#filter-decision', 'denied');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#rows .row')];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return rows.length > 0 && rows.every((r: any) => r.getAttribute('data-decision') === 'denied');
    });
    console.log(`filter decision=denied: ${(now() - t).toFixed(0)} ms (${await page.locator('#count').textContent()})`);

    t = now();
    const before = await page.locator('#count').textContent();
    await page.fill('#search', 'vol_2s');
    await page.waitForFunction((b: string | null) => {
      const rows = [...document.querySelectorAll('#rows .row .command')];
      return document.getElementById('count')?.textContent !== b && rows.length > 0 && rows.every((c: any) => c.textContent?.includes('vol_2s')); // eslint-disable-line @typescript-eslint/no-explicit-any
    }, before);
    console.log(`search (debounce 150 ms included): ${(now() - t).toFixed(0)} ms (${await page.locator('#count').textContent()})`);

    await page.click('#clear-filters');
    await page.waitForFunction((n) => document.getElementById('table')?.dataset.total === String(n), N);
    t = now();
    await page.evaluate(() => {
      const vp = document.getElementById('viewport')!;
      vp.scrollTop = vp.scrollHeight / 2;
    });
    await page.waitForFunction(() => {
      const r = document.querySelector('#rows .row');
      return r !== null && Number(r.getAttribute('data-seq')) < 60_000;
    });
    console.log(`scroll to the middle: ${(now() - t).toFixed(0)} ms (first row seq ${await page.locator('#rows .row').first().getAttribute('data-seq')})`);

    t = now();
    await page.locator('#rows .row').nth(12).click();
    await page.waitForSelector('#detail:not([hidden]) .detail-hash');
    console.log(`detail pane: ${(now() - t).toFixed(0)} ms (${await page.locator('#detail-title').textContent()})`);

    if (problems.length) {
      console.log(`PROBLEMS in the page:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    } else console.log('no script errors, no CSP violations');
  } finally {
    await browser.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
