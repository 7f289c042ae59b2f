/**
 * Built-in strict defaults: the bottom layer of every policy, and what a broken policy
 * file falls back to. Nothing here allows anything; the rule packs and the decision
 * mapping do the rest.
 */
import { DEFAULT_SHIMS } from './shims';
import type { Policy } from './types';

export const DEFAULT_POLICY: Readonly<Policy> = deepFreeze({
  version: 1,
  environments: {
    production: {
      patterns: ['prod', 'production', 'prd', 'live', 'main-db'],
      hosts: [],
      resources: [],
    },
    staging: {
      patterns: ['stag', 'stage', 'staging', 'stg', 'preprod', 'pre-prod', 'uat', 'qa', 'preview'],
      hosts: [],
      resources: [],
    },
    development: {
      patterns: [
        'dev',
        'devel',
        'development',
        'local',
        'localhost',
        'test',
        'testing',
        'sandbox',
        'kind',
        'minikube',
        'docker-desktop',
        'rancher-desktop',
        'k3d',
        'colima',
      ],
      hosts: ['localhost', '127.0.0.1', '::1', '0.0.0.0', '*.localhost', '*.local', 'host.docker.internal', '*.docker.internal'],
      resources: [],
    },
  },
  overrides: [],
  shims: [...DEFAULT_SHIMS],
  watch: [
    '~/.aws/config',
    '~/.aws/credentials',
    '~/.kube/config',
    '~/.config/gcloud/**',
    '~/.azure/azureProfile.json',
    '~/.railway/config.json',
    '**/.env',
    '**/.env.*',
    '**/.vercel/project.json',
    '**/fly.toml',
    '**/.terraform/environment',
  ],
  protectedVariables: ['KUBECONFIG', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'BASH_ENV', 'PATH', 'TWOKEY_*'],
  maskedVariables: [],
  signals: {
    variables: [
      'NODE_ENV',
      'RAILS_ENV',
      'RACK_ENV',
      'APP_ENV',
      'ENVIRONMENT',
      'APP_ENVIRONMENT',
      'DEPLOY_ENV',
      'DEPLOYMENT_ENV',
      'STAGE',
      'FLASK_ENV',
      'MIX_ENV',
      'ASPNETCORE_ENVIRONMENT',
      'DOTNET_ENVIRONMENT',
      'SPRING_PROFILES_ACTIVE',
      'SENTRY_ENVIRONMENT',
      'DD_ENV',
      'RAILWAY_ENVIRONMENT',
      'RAILWAY_ENVIRONMENT_NAME',
      'VERCEL_ENV',
      'FLY_APP_NAME',
      'HEROKU_APP_NAME',
    ],
    urlVariables: [
      'DATABASE_URL',
      '*_DATABASE_URL',
      'DATABASE_URL_*',
      'DB_URL',
      'DIRECT_URL',
      'POSTGRES_URL',
      'POSTGRES_URL_*',
      'POSTGRES_PRISMA_URL',
      'PG_URL',
      'PGHOST',
      'DB_HOST',
      'MYSQL_URL',
      'MYSQL_HOST',
      'MONGO_URL',
      'MONGO_URI',
      'MONGODB_URL',
      'MONGODB_URI',
      'REDIS_URL',
      'REDIS_TLS_URL',
      'REDIS_HOST',
      'KV_URL',
      'AMQP_URL',
      'RABBITMQ_URL',
      'CLOUDAMQP_URL',
      'ELASTICSEARCH_URL',
      'CLICKHOUSE_URL',
    ],
    dotenvFiles: [],
  },
  // Unknown targets ask for state changes: on the everyday corpus this costs 2 prompts in 233
  // (kubectl apply, kubectl rollout restart with no cluster known), and it is how the incident
  // TwoKey exists for happened. Staging asks for destructive commands only.
  stateChanges: { staging: 'allow', unknown: 'ask' },
});

/** Variables whose value selects a `.env.<name>` file. */
export const DOTENV_SELECTORS: readonly string[] = ['NODE_ENV', 'APP_ENV', 'RAILS_ENV', 'RACK_ENV', 'ENVIRONMENT', 'STAGE', 'DOTENV_ENV'];

/** A fresh, mutable copy of the defaults. */
export function defaultPolicy(): Policy {
  return structuredClone(DEFAULT_POLICY) as Policy;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
