export type {
  EnvironmentSpec,
  LayerSource,
  OverrideDecision,
  PlacedEnvironment,
  Policy,
  PolicyDiagnostic,
  PolicyInput,
  PolicyLayer,
  RuleOverride,
  SignalSettings,
} from './types';
export { DEFAULT_POLICY, defaultPolicy } from './defaults';
export { DEFAULT_SHIMS, shimNames } from './shims';
export { parsePolicy, parsePolicyLayer, checkPolicyInput } from './parse';
export type { ParsedPolicy, ParsedPolicyLayer } from './parse';
export { mergePolicy, mergePolicyReport } from './merge';
export type { MergeOptions, MergeReport } from './merge';
export { makePolicyOverrides, stricter } from './overrides';
export { createStarterPolicy } from './starter';
export { markWorkspaceText } from './mark';
export type { StarterInput } from './starter';
export { findWorkspaceRoot, loadWorkspacePolicy, POLICY_FILE } from './load';
export type { LoadedPolicy } from './load';
export { mostDangerous, placementOf, DANGER } from './match';
