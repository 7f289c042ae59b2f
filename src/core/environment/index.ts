export { createEnvironmentResolver, NO_SIGNAL } from './resolver';
export type { ResolverOptions, TwoKeyEnvironmentResolver, Detection } from './resolver';
export { watchedSignalFiles } from './watch';
export type { WatchedFile, WatchOptions } from './watch';
export { CachedFiles, nodeFileSystem } from '../fs';
export type { FileSystemPort, FileStat } from '../fs';
export type { DetectedSignal, Identity } from './types';
export { maskUrl, safeValue } from './values';
export { pickSignalVariables, TOOL_VARIABLES } from './snapshot';
