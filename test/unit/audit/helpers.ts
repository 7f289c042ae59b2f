import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuditEntry } from '../../../src/core/audit';

export function tmpDir(prefix = 'twokey-audit-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function entry(i: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    source: 'terminal',
    command: `rm -rf build-${i}`,
    cwd: '/work/app',
    environment: i % 3 === 0 ? 'production' : 'development',
    evidence: [{ signal: 'env:NODE_ENV', value: i % 3 === 0 ? 'production' : 'development', environment: i % 3 === 0 ? 'production' : 'development' }],
    risk: i % 2 ? 'high' : 'low',
    rules: ['fs.rm.recursive'],
    decision: i % 4 === 0 ? 'denied' : 'allowed',
    decidedBy: i % 4 === 0 ? 'human' : 'policy',
    durationMs: i,
    ...extra,
  };
}

export function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

export function writeLines(file: string, ls: string[]): void {
  fs.writeFileSync(file, ls.map((l) => l + '\n').join(''));
}
