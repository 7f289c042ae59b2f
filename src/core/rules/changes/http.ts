/** State changes through HTTP APIs: writes with curl, httpie and xh (a GraphQL query is a read; a server on this machine is development). */
import type { TargetRef } from '../../types';
import { DYN, type SimpleCommand } from '../../shell/model';
import { optValue, positionals, type Rule } from '../util';
import { analyseGraphqlBody } from '../../lang/graphql';
import { change, known, words } from './kit';

const CURL_VALUE = new Set(['-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '-F', '--form', '--json', '-T', '--upload-file', '-u', '--user', '-o', '--output', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '-c', '--cookie-jar', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '--retry', '-x', '--proxy', '--cacert', '--cert', '--key', '-K', '--config', '--resolve']);

const curl: Rule = (c) => {
  const vs = words(c);
  const method = (known(optValue(c.args, ['-X', '--request'], true)) ?? '').toUpperCase();
  const hasBody = vs.some((v) => /^(?:-d|--data(?:-raw|-binary|-urlencode)?|-F|--form|--json|-T|--upload-file)(?:=|$)/.test(v) || /^-d./.test(v));
  const writes = /^(?:POST|PUT|PATCH|DELETE)$/.test(method) || (!method && hasBody);
  if (!writes) return;
  if ((!method || method === 'POST') && onlyGraphqlReads(c)) return;
  const refs: TargetRef[] = [];
  const urls = [...c.args.filter((w) => /^https?:\/\//i.test(w.value)), ...positionals(c.args, CURL_VALUE).filter((w) => /^(?:localhost|[\w-]+(?:\.[\w-]+)+|\[[\da-f:]+\])(?::\d+)?(?:\/|$)/i.test(w.value))];
  for (const w of urls) {
    const host = /^(?:https?:\/\/)?([^/?#]+)/i.exec(w.value)?.[1];
    if (host && !host.includes(DYN) && !refs.some((r) => r.value === host)) refs.push({ tool: c.name, kind: 'http-host', value: host, via: 'URL' });
  }
  // A server on this machine (a dev server) is development wherever the workspace is.
  if (refs.length && refs.every((r) => LOOPBACK.test(r.value ?? ''))) return;
  for (const w of c.args) {
    const tokenVar = /(?:authorization|x-api-key|api-key|token)[^$]*\$\{?([A-Za-z_]\w*)/i.exec(w.raw)?.[1];
    if (tokenVar) refs.push({ tool: c.name, kind: 'token', value: tokenVar, via: `token $${tokenVar}` });
    const literal = /\b((?:sk|rk)_(?:live|test)_\w+)/.exec(w.value)?.[1];
    if (literal) refs.push({ tool: c.name, kind: 'token', value: literal, via: 'the key given' });
  }
  return change('change.http.write', 'http-api', `${c.name} ${method || 'POST'} writes to ${refs.find((r) => r.kind === 'http-host')?.value ?? 'a remote API'}`, refs);
};

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?::\d+)?$/i;

/** A POST whose every body is written out and is a GraphQL query (no mutation, nothing unreadable): a read. */
function onlyGraphqlReads(c: SimpleCommand): boolean {
  const bodies: string[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    let m: RegExpExecArray | null;
    if (/^(?:-d|--data|--data-raw|--data-binary|--json)$/.test(v)) bodies.push(a[++i]?.value ?? DYN);
    else if ((m = /^(?:--data|--data-raw|--data-binary|--json)=(.*)$/s.exec(v)) || (m = /^-d(.+)$/s.exec(v))) bodies.push(m[1]);
    else if (/^(?:-F|--form|-T|--upload-file|--data-urlencode|-K|--config)(?:=|$)/.test(v)) return false;
  }
  if (!bodies.length) return false;
  return bodies.every((b) => {
    if (b.includes(DYN) || b.startsWith('@')) return false;
    const g = analyseGraphqlBody(b);
    return !!g && !g.mutation && !g.unknown && g.findings.length === 0;
  });
}

const httpie: Rule = (c) => {
  const vs = words(c).filter((v) => !v.startsWith('-'));
  const method = /^(?:POST|PUT|PATCH|DELETE)$/i.test(vs[0] ?? '') ? vs[0].toUpperCase() : vs.slice(1).some((v) => /^[\w.-]+:?=/.test(v)) ? 'POST' : undefined;
  if (!method) return;
  const url = vs.find((v) => /^(?:https?:\/\/)?[\w.-]+\.[a-z]{2,}|^:\d+|^localhost/i.test(v) && !/^(?:POST|PUT|PATCH|DELETE)$/i.test(v));
  const refs: TargetRef[] = [];
  if (url) refs.push({ tool: c.name, kind: 'http-host', value: url.replace(/^https?:\/\//, '').split('/')[0], via: 'URL' });
  for (const w of c.args) {
    const tokenVar = /(?:authorization|token|api-key)[^$]*\$\{?([A-Za-z_]\w*)/i.exec(w.raw)?.[1];
    if (tokenVar) refs.push({ tool: c.name, kind: 'token', value: tokenVar, via: `token $${tokenVar}` });
  }
  return change('change.http.write', 'http-api', `${c.name} ${method} writes to ${url ?? 'a remote API'}`, refs);
};

export const httpPack: Record<string, Rule[]> = {
  curl: [curl],
  http: [httpie],
  https: [httpie],
  xh: [httpie],
};
