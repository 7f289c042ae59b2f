/**
 * The environment signals: one reader per source, each reading one kind of file or
 * variable and saying which environment it names, with what it read. Only the parts of a
 * file that name an environment are kept in memory (no kubeconfig users, no Railway token,
 * no Terraform backend credentials). To add a signal, write a reader beside these (a
 * function of the context that adds signals) and list it in `SIGNAL_READERS`.
 */
import type { SignalContext } from './context';
import { aws } from './aws';
import { azure } from './azure';
import { dotenvFiles } from './dotenv';
import { fly } from './fly';
import { gcloud } from './gcloud';
import { heroku } from './heroku';
import { kubeconfig } from './kube';
import { railway } from './railway';
import { terraform } from './terraform';
import { environmentVariables } from './variables';
import { vercel } from './vercel';

export type SignalReader = (ctx: SignalContext) => void;

/** Every reader, in the order their signals are listed. */
export const SIGNAL_READERS: readonly SignalReader[] = [environmentVariables, dotenvFiles, kubeconfig, aws, gcloud, azure, railway, vercel, fly, heroku, terraform];

export { addSignal, asArray, placeIdentities, rel, str, type SignalContext } from './context';
export { aws, awsConfig, hasDefaultProfile, profileSection, roleAccountOf } from './aws';
export { azure, parseAzureProfile, type AzureDefault } from './azure';
export { dotenvFiles, parseDotenvFile, workspaceDotenv } from './dotenv';
export { fly, parseFlyApp } from './fly';
export { gcloud, gcloudConfiguration } from './gcloud';
export { findGitConfig } from './git';
export { heroku, parseHerokuRemotes } from './heroku';
export { kubeconfig, kubeContext, parseKube, type KubeSummary } from './kube';
export { parseRailway, railway, railwayLink, type RailwayLink } from './railway';
export { terraform } from './terraform';
export { environmentVariables, variableSignal } from './variables';
export { parseVercelProject, vercel, type VercelProject } from './vercel';
