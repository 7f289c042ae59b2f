/**
 * The AWS profile in use (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else the default profile of
 * `~/.aws/config`) with the account it reaches (SSO account or the role's account).
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { parseIni, type Ini } from '../ini';
import { addSignal, type SignalContext } from './context';

/** The AWS config file (`AWS_CONFIG_FILE`, else `~/.aws/config`), parsed. */
export function awsConfig(ctx: SignalContext): { file: string; ini: Ini | undefined } {
  const file = ctx.get('AWS_CONFIG_FILE') ?? path.join(ctx.home, '.aws', 'config');
  return { file, ini: ctx.files.parsed(file, 'ini', parseIni) };
}

/** Whether the config has a default profile (`[default]` or `[profile default]`). */
export function hasDefaultProfile(ini: Ini | undefined): boolean {
  return !!ini && (ini.has('default') || ini.has('profile default'));
}

/** A profile's section: `[profile NAME]` (or `[NAME]`, as in credentials files); `default` either way. */
export function profileSection(ini: Ini | undefined, profile: string): Map<string, string> | undefined {
  return profile === 'default' ? (ini?.get('default') ?? ini?.get('profile default')) : (ini?.get(`profile ${profile}`) ?? ini?.get(profile));
}

/** The account of a role ARN (`arn:aws:iam::123456789012:role/x`). */
export function roleAccountOf(role: string | undefined): string | undefined {
  return role ? /^arn:[^:]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
}

export function aws(ctx: SignalContext): void {
  const fromVar = ctx.get('AWS_PROFILE') !== undefined ? 'AWS_PROFILE' : ctx.get('AWS_DEFAULT_PROFILE') !== undefined ? 'AWS_DEFAULT_PROFILE' : undefined;
  const { file: configFile, ini } = awsConfig(ctx);
  let profile = fromVar ? ctx.get(fromVar)! : undefined;
  if (!profile) {
    if (!hasDefaultProfile(ini)) return;
    profile = 'default';
  }
  const section = profileSection(ini, profile);
  const ids: Identity[] = [{ kind: 'name', value: profile }];
  const account = section?.get('sso_account_id');
  const role = section?.get('role_arn');
  const roleAccount = roleAccountOf(role);
  if (account) ids.push({ kind: 'id', value: account });
  if (roleAccount) ids.push({ kind: 'id', value: roleAccount });
  if (role) ids.push({ kind: 'id', value: role });
  const detail = [account && `account ${account}`, roleAccount && !account && `account ${roleAccount}`, section?.get('region') && `region ${section.get('region')}`].filter(Boolean).join(', ');
  addSignal(ctx, {
    signal: 'aws:profile',
    value: profile,
    source: fromVar ? `env:${fromVar}` : configFile,
    identities: ids,
    detail: detail || undefined,
  });
}
