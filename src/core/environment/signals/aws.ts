/**
 * The AWS profile in use (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, else the default profile of
 * `~/.aws/config`) with the account it reaches (SSO account or the role's account).
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { parseIni } from '../ini';
import { addSignal, type SignalContext } from './context';

export function aws(ctx: SignalContext): void {
  const fromVar = ctx.get('AWS_PROFILE') !== undefined ? 'AWS_PROFILE' : ctx.get('AWS_DEFAULT_PROFILE') !== undefined ? 'AWS_DEFAULT_PROFILE' : undefined;
  const configFile = ctx.get('AWS_CONFIG_FILE') ?? path.join(ctx.home, '.aws', 'config');
  const ini = ctx.files.parsed(configFile, 'ini', parseIni);
  let profile = fromVar ? ctx.get(fromVar)! : undefined;
  if (!profile) {
    if (!ini?.has('default') && !ini?.has('profile default')) return;
    profile = 'default';
  }
  const section = profile === 'default' ? (ini?.get('default') ?? ini?.get('profile default')) : (ini?.get(`profile ${profile}`) ?? ini?.get(profile));
  const ids: Identity[] = [{ kind: 'name', value: profile }];
  const account = section?.get('sso_account_id');
  const role = section?.get('role_arn');
  const roleAccount = role ? /^arn:[^:]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
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
