/**
 * Runs a real VS Code server (from the code-server npm package, set up by
 * scripts/setup-vscode.sh) and Debian's Chromium driven by playwright-core.
 * Used by the integration runner and the UI tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const VERSIONS = (process.env.TWOKEY_VSCODE_VERSIONS ?? '1.100.3 1.139.1').split(/\s+/).filter(Boolean);
export const CACHE = process.env.TWOKEY_CACHE ?? path.join(os.homedir(), '.cache', 'twokey-test');
export const PROJECT = path.resolve(__dirname, '..', '..', '..');

export function serverRoot(version: string): string {
  return path.join(CACHE, `vscode-${version}`, 'node_modules', 'code-server', 'lib', 'vscode');
}

export function nodeFor(version: string): string {
  return fs.readFileSync(path.join(CACHE, `vscode-${version}`, 'node-path'), 'utf8').trim();
}

/** Newer builds ignore test payloads unless started with the smoke-test driver. */
export function needsSmokeDriver(version: string): boolean {
  const [maj, min] = version.split('.').map(Number);
  return maj > 1 || min >= 104;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Installs a VSIX into an extensions folder exactly as a user would, with the server's CLI. */
export function installVsix(version: string, vsix: string, extensionsDir: string): void {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(
    nodeFor(version),
    ['out/server-main.js', '--accept-server-license-terms', '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { cwd: serverRoot(version), encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`installing ${vsix} into VS Code ${version} failed:\n${r.stdout}\n${r.stderr}`);
  }
}

export interface Server {
  version: string;
  port: number;
  base: string;
  userDataDir: string;
  extensionsDir: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  version: string;
  extensionsDir?: string;
  env?: Record<string, string>;
  /** Machine settings for the remote side (terminal shell, etc.). */
  machineSettings?: Record<string, unknown>;
}

export async function startServer(o: ServerOptions): Promise<Server> {
  const port = await freePort();
  const userDataDir = tmpDir('twokey-vsc-data-');
  const extensionsDir = o.extensionsDir ?? tmpDir('twokey-vsc-ext-');
  const settings = JSON.stringify(
    {
      'terminal.integrated.defaultProfile.linux': 'bash',
      'terminal.integrated.shellIntegration.enabled': true,
      'terminal.integrated.gpuAcceleration': 'off',
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'telemetry.telemetryLevel': 'off',
      // The first-run walkthrough would take the editor area in every fresh test server:
      // only the walkthrough test turns it back on.
      'twokey.walkthrough.openOnFirstRun': false,
      ...o.machineSettings,
    },
    null,
    2,
  );
  // The server reads the remote machine's settings from <user-data-dir>/Machine (older
  // builds) or <user-data-dir>/data/Machine: write both.
  for (const machine of [path.join(userDataDir, 'Machine'), path.join(userDataDir, 'data', 'Machine')]) {
    fs.mkdirSync(machine, { recursive: true });
    fs.writeFileSync(path.join(machine, 'settings.json'), settings);
  }
  const args = [
    'out/server-main.js',
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-workspace-trust',
  ];
  if (needsSmokeDriver(o.version)) args.push('--enable-smoke-test-driver');
  const proc = spawn(nodeFor(o.version), args, {
    cwd: serverRoot(o.version),
    env: { ...process.env, ...o.env, HOME: o.env?.HOME ?? process.env.HOME ?? os.homedir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`VS Code ${o.version} server exited:\n${out}`);
    try {
      const r = await fetch(base + '/version');
      if (r.status < 500) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`VS Code ${o.version} server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    version: o.version,
    port,
    base,
    userDataDir,
    extensionsDir,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 300));
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function workbenchUrl(server: Server, folder: string, payload?: [string, string][]): string {
  let url = `${server.base}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Opens the workbench on a folder and waits until it is usable. */
export async function openWorkbench(browser: Browser, server: Server, folder: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(workbenchUrl(server, folder));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.statusbar', { timeout: 60_000 });
  return page;
}
