/** The audit log: record shape, hash chain, append, verify, read, export. No `vscode` import. */
export * from './record';
export * from './head';
export * from './verify';
export * from './log';
export * from './forward';
export * from './export';
export { chainFiles, LIVE_FILE } from './files';
export { FileLock } from './lock';
export * from './viewModel';
export * from './key';
export * from './open';
export * from './keyring';
