/**
 * PowerShell command lines (sent to agent hooks on Windows, or `"shell": "powershell"` in
 * batch mode) read with the tree-sitter PowerShell grammar. Each command becomes what it
 * amounts to in the shell engine's terms: `Remove-Item .\src -Recurse -Force` → `rm -r -f ./src`,
 * `Invoke-RestMethod -Method Delete -Uri u` → `curl -X DELETE u`, `Remove-AzResourceGroup -Name g`
 * → `az group delete --name g`; native tools (git, aws, kubectl, psql …) pass through as they
 * are. What has no shell equivalent (Stop-Computer, Clear-Disk) is a finding of its own.
 */
import { withTree, type SyntaxNode } from './grammars';
import { translateCmd } from './cmd';
import { winPath, type TranslatedScript } from './windows';
import { singleQuote } from '../argv';

export { winPath, type ShellFinding, type TranslatedScript } from './windows';

const UNKNOWN = '"$CODE_VALUE"';

/** A word for the bash line: known text quoted, unknown parts an unset variable. */
function word(parts: (string | null)[], path = false): string {
  const known = parts.every((p) => p !== null);
  if (known) return singleQuote(path ? winPath(parts.join('')) : parts.join(''));
  return parts.map((p, i) => (p === null ? UNKNOWN : singleQuote(path && i === 0 ? winPath(p) : p))).join('');
}

interface Arg {
  /** `-Recurse`, `-Path:x` → name `recurse`/`path`. */
  param?: string;
  /** Value parts; null for unknown. */
  parts: (string | null)[];
}

function strParts(n: SyntaxNode): (string | null)[] {
  const t = n.text;
  if (n.type === 'verbatim_string_characters' || t.startsWith("'")) return [t.replace(/^'|'$/g, '').replace(/''/g, "'")];
  if (t.startsWith('"') || n.type === 'expandable_string_literal') {
    const body = t.replace(/^"|"$/g, '');
    // "$var" and "$(…)" are only known at run time; `` `n `` escapes are rare in paths.
    const out: (string | null)[] = [];
    let last = 0;
    const re = /\$\((?:[^()]|\([^()]*\))*\)|\$\{[^}]*\}|\$(?:env:)?[\w:]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body))) {
      if (m.index > last) out.push(body.slice(last, m.index).replace(/`(.)/g, '$1'));
      out.push(/^\$(?:HOME|env:USERPROFILE|env:HOME)$/i.test(m[0]) ? '~' : null);
      last = m.index + m[0].length;
    }
    if (last < body.length) out.push(body.slice(last).replace(/`(.)/g, '$1'));
    return out.length ? out : [''];
  }
  return [t];
}

function valueParts(n: SyntaxNode): (string | null)[] {
  if (n.type === 'generic_token' || n.type === 'command_name') {
    const t = n.text;
    if (/^\$(?:HOME|env:USERPROFILE)(?=\\|\/|$)/i.test(t)) return ['~' + t.replace(/^\$(?:HOME|env:USERPROFILE)/i, '')];
    if (t.includes('$')) return [t.slice(0, t.indexOf('$')) || null, null].filter((x, i) => i > 0 || x !== null);
    return [t];
  }
  const str = n.descendantsOfType(['verbatim_string_characters', 'expandable_string_literal', 'expandable_here_string_literal', 'verbatim_here_string_characters'])[0];
  if (str && n.text.trim().replace(/^\(|\)$/g, '') === str.text) return strParts(str);
  if (n.type === 'array_literal_expression') {
    const t = n.text.trim();
    if (/^'[^']*'$/.test(t)) return [t.slice(1, -1)];
    if (/^\$(?:HOME|env:USERPROFILE)$/i.test(t)) return ['~'];
    if (/^[\w.\\/:~*-]+$/.test(t)) return [t];
    if (str && (t.startsWith('"') || t.startsWith("'"))) return strParts(str);
    // `$env:TEMP\x`, `(Get-Location)` …: only known when it runs.
    const m = /^(\$(?:env:)?\w+)(.*)$/.exec(t);
    if (m) return [null, m[2]].filter((x) => x !== '');
  }
  return [null];
}

function commandArgs(cmd: SyntaxNode): Arg[] {
  const out: Arg[] = [];
  const elems = cmd.childForFieldName('command_elements');
  for (const e of elems?.namedChildren ?? []) {
    if (!e || e.type === 'command_argument_sep') continue;
    if (e.type === 'command_parameter') {
      const m = /^-([\w-]+):?(.*)$/.exec(e.text);
      const a: Arg = { param: (m?.[1] ?? e.text).toLowerCase(), parts: m?.[2] ? [m[2]] : [] };
      out.push(a);
      continue;
    }
    const parts = valueParts(e);
    out.push({ parts });
  }
  return out;
}

/** Cmdlet parameters match by unambiguous prefix: `-rec`, `-fo`. */
function is(param: string | undefined, full: string, min = 1): boolean {
  return !!param && param.length >= min && full.startsWith(param);
}

/** Values following a named parameter, and positionals (arguments not after a value-taking parameter). */
function split(args: Arg[], valueParams: string[], flags: string[]): { named: Map<string, (string | null)[]>; pos: (string | null)[][]; switches: Set<string> } {
  const named = new Map<string, (string | null)[]>();
  const pos: (string | null)[][] = [];
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.param !== undefined) {
      const full = valueParams.find((v) => is(a.param, v, Math.min(v.length, 2)));
      if (full && !flags.some((f) => f === a.param)) {
        if (a.parts.length) named.set(full, a.parts);
        else if (args[i + 1] && args[i + 1].param === undefined) named.set(full, args[++i].parts);
        continue;
      }
      const flag = flags.find((f) => is(a.param, f, 2)) ?? a.param;
      switches.add(flag);
      continue;
    }
    pos.push(a.parts);
  }
  return { named, pos, switches };
}

const REMOVE_ITEM = /^(?:remove-item|rm|del|ri|rd|rmdir|erase)$/i;
const AZ_NOUN: Record<string, string> = { resourcegroup: 'group', vm: 'vm', storageaccount: 'storage account', sqlserver: 'sql server', sqldatabase: 'sql db', keyvault: 'keyvault', webapp: 'webapp', aks: 'aks', cosmosdbaccount: 'cosmosdb', resource: 'resource', disk: 'disk', snapshot: 'snapshot', virtualnetwork: 'network vnet', functionapp: 'functionapp', containerregistry: 'acr', rediscache: 'redis', postgresqlserver: 'postgres server', mysqlserver: 'mysql server' };
const AWS_PREFIX: Record<string, string> = { s3: 's3', ec2: 'ec2', rds: 'rds', iam: 'iam', ddb: 'dynamodb', lm: 'lambda', cfn: 'cloudformation', ecs: 'ecs', eks: 'eks', sns: 'sns', sqs: 'sqs', cw: 'cloudwatch', kms: 'kms', sm: 'secretsmanager', r53: 'route53' };

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function translateCommand(cmd: SyntaxNode, out: TranslatedScript, piped: boolean, depth: number): void {
  const nameNode = cmd.childForFieldName('command_name');
  if (!nameNode) return;
  const nameParts = nameNode.type === 'command_name_expr' ? valueParts(nameNode.namedChild(0) ?? nameNode) : [nameNode.text];
  if (nameParts.some((p) => p === null)) {
    out.unanalysable ??= 'the PowerShell line runs a command whose name is only known at run time';
    return;
  }
  const rawName = nameParts.join('');
  const name = rawName.replace(/^.*[\\/]/, '').replace(/\.exe$/i, '');
  const lower = name.toLowerCase();
  const args = commandArgs(cmd);

  if (REMOVE_ITEM.test(lower)) {
    const { named, pos, switches } = split(args, ['path', 'literalpath', 'filter', 'include', 'exclude'], ['recurse', 'force', 'whatif', 'confirm', 'verbose']);
    if (switches.has('whatif')) return;
    const paths = [named.get('path') ?? named.get('literalpath'), ...pos].filter((p): p is (string | null)[] => !!p);
    if (!paths.length && piped) paths.push([null]);
    const flags = `${switches.has('recurse') ? '-r ' : ''}${switches.has('force') ? '-f ' : ''}`;
    // A folder without -Recurse is still deleted when it is empty, and PowerShell deletes
    // a non-empty one after a prompt that an agent's session answers: judged as recursive.
    for (const p of paths.length ? paths : [[null]]) out.lines.push(`rm -r ${flags.includes('-f') ? '-f ' : ''}${word(p, true)}`.replace(/\s+/g, ' '));
    return;
  }
  if (/^(?:clear-content|clc|set-content|sc|out-file|add-content|ac|new-item|ni)$/.test(lower)) {
    const { named, pos, switches } = split(args, ['path', 'literalpath', 'value', 'filepath', 'itemtype', 'encoding', 'name'], ['force', 'append', 'nonewline']);
    if (/^(?:new-item|ni)$/.test(lower) && !switches.has('force')) return;
    const target = named.get('path') ?? named.get('literalpath') ?? named.get('filepath') ?? pos[0];
    const append = /^(?:add-content|ac)$/.test(lower) || switches.has('append');
    out.lines.push(`: ${append ? '>>' : '>'} ${word(target ?? [null], true)}`);
    return;
  }
  if (/^(?:move-item|mi|move|mv)$/.test(lower)) {
    const { named, pos } = split(args, ['path', 'literalpath', 'destination'], ['force']);
    const src = named.get('path') ?? named.get('literalpath') ?? pos[0];
    const dst = named.get('destination') ?? pos[named.has('path') ? 0 : 1];
    out.lines.push(`mv ${word(src ?? [null], true)} ${word(dst ?? [null], true)}`);
    return;
  }
  if (lower === 'format-volume' || lower === 'format-disk') {
    const { named, pos } = split(args, ['driveletter', 'filesystem', 'newfilesystemlabel', 'partition', 'path'], ['force', 'full', 'confirm']);
    const drive = (named.get('driveletter') ?? pos[0] ?? ['?']).join('');
    out.lines.push(`mkfs ${singleQuote('/dev/' + drive.replace(/:$/, ''))}`);
    return;
  }
  if (/^(?:clear-disk|initialize-disk|remove-partition|clear-recyclebin)$/.test(lower)) {
    out.findings.push({ id: 'fs.disk.format', category: 'filesystem', risk: lower === 'clear-recyclebin' ? 'high' : 'critical', reason: `${name} ${lower === 'clear-recyclebin' ? 'empties the recycle bin for good' : 'erases a disk or partition'}` });
    return;
  }
  if (/^(?:stop-computer|restart-computer)$/.test(lower)) {
    out.findings.push({ id: 'local.shutdown', category: 'filesystem', risk: 'high', reason: `${name} ${lower.startsWith('stop') ? 'shuts the machine down' : 'restarts the machine'}` });
    return;
  }
  if (/^(?:invoke-restmethod|irm|invoke-webrequest|iwr|curl|wget)$/.test(lower)) {
    const { named, pos } = split(args, ['method', 'uri', 'body', 'headers', 'outfile', 'contenttype', 'infile', 'customemethod', 'custommethod', 'credential', 'token', 'authentication'], ['usebasicparsing', 'skipcertificatecheck', 'passthru']);
    const method = named.get('custommethod') ?? named.get('method');
    const uri = named.get('uri') ?? pos[0] ?? [null];
    const body = named.get('body');
    const m = method ? (method.some((p) => p === null) ? UNKNOWN : method.join('').toUpperCase()) : body ? 'POST' : 'GET';
    out.lines.push(`curl -X ${m} ${word(uri)}${body ? ' --data-raw ' + word(body) : ''}${named.has('infile') ? ' -d @' + word(named.get('infile')!, true) : ''}`);
    const headers = named.get('headers');
    if (headers && /method-override['"]?\s*=\s*['"]?delete/i.test(headers.join(''))) out.lines.push(`curl -X DELETE ${word(uri)}`);
    return;
  }
  const az = /^remove-az(\w+)$/i.exec(name);
  if (az) {
    const { named, pos } = split(args, ['name', 'resourcegroupname', 'resourceid', 'vmname', 'servername', 'databasename'], ['force', 'asjob']);
    const noun = AZ_NOUN[az[1].toLowerCase()] ?? kebab(az[1]);
    const target = named.get('name') ?? named.get('resourcegroupname') ?? named.get('resourceid') ?? pos[0];
    out.lines.push(`az ${noun} delete${target ? ' --name ' + word(target) : ''}`);
    return;
  }
  const aws = /^remove-(s3|ec2|rds|iam|ddb|lm|cfn|ecs|eks|sns|sqs|cw|kms|sm|r53)(\w+)$/i.exec(name);
  if (aws) {
    const svc = AWS_PREFIX[aws[1].toLowerCase()];
    const { pos, named } = split(args, ['bucketname', 'instanceid', 'dbinstanceidentifier', 'functionname', 'stackname', 'tablename', 'username', 'rolename'], ['force', 'deletebucketcontent']);
    const target = [...named.values()][0] ?? pos[0];
    if (svc === 's3' && /^bucket$/i.test(aws[2])) out.lines.push(`aws s3 rb ${word(['s3://', ...(target ?? [null])])}${named.size || args.some((a) => a.param === 'deletebucketcontent') ? ' --force' : ''}`);
    else if (svc === 'ec2' && /^instance$/i.test(aws[2])) out.lines.push(`aws ec2 terminate-instances --instance-ids ${word(target ?? [null])}`);
    else out.lines.push(`aws ${svc} delete-${kebab(aws[2])} ${word(target ?? [null])}`);
    return;
  }
  if (/^remove-gc[se]\w*$/i.test(name)) {
    out.lines.push(`gcloud resources delete ${word(split(args, ['name', 'bucket'], ['force']).pos[0] ?? [null])}`);
    return;
  }
  if (/^(?:invoke-expression|iex)$/.test(lower)) {
    const text = args.find((a) => a.param === undefined);
    if (!text || text.parts.some((p) => p === null) || depth > 3) {
      out.unanalysable ??= 'the PowerShell line runs code built at run time (Invoke-Expression)';
      return;
    }
    merge(out, analysePowerShell(text.parts.join(''), depth + 1));
    return;
  }
  if (/^(?:start-process|saps|start)$/.test(lower)) {
    const { named, pos } = split(args, ['filepath', 'argumentlist', 'workingdirectory', 'verb'], ['wait', 'nonewwindow', 'passthru']);
    const file = named.get('filepath') ?? pos[0];
    const rest = named.get('argumentlist') ?? pos[1];
    if (!file || file.some((p) => p === null)) {
      out.unanalysable ??= 'the PowerShell line starts a program whose name is only known at run time';
      return;
    }
    out.lines.push(`${singleQuote(file.join(''))}${rest ? ' ' + (rest.some((p) => p === null) ? UNKNOWN : rest.join('')) : ''}`);
    return;
  }
  if (lower === 'cmd' && args.some((a) => /^\/[ck]$/i.test(a.parts.join('')))) {
    const i = args.findIndex((a) => /^\/[ck]$/i.test(a.parts.join('')));
    const rest = args.slice(i + 1);
    if (rest.some((a) => a.parts.some((p) => p === null))) out.unanalysable ??= 'the PowerShell line runs a cmd line built at run time';
    else merge(out, analyseCmd(rest.map((a) => a.parts.join('')).join(' '), {}, depth + 1));
    return;
  }
  if ((lower === 'powershell' || lower === 'pwsh') && depth < 3) {
    const i = args.findIndex((a) => a.param !== undefined && is(a.param, 'command', 1));
    if (i >= 0) {
      const rest = args.slice(i + 1);
      if (rest.some((a) => a.parts.some((p) => p === null))) out.unanalysable ??= 'the PowerShell line runs PowerShell built at run time';
      else merge(out, analysePowerShell(rest.map((a) => a.parts.join('')).join(' '), depth + 1));
      return;
    }
    if (args.some((a) => a.param !== undefined && is(a.param, 'encodedcommand', 2))) {
      out.unanalysable ??= 'the PowerShell line runs an encoded command';
      return;
    }
  }
  if (/^[a-z]+-[a-z]+$/i.test(name)) return; // other cmdlets (Get-*, Write-*, Set-Location …) change nothing TwoKey guards
  // A native program: git, aws, az, kubectl, psql, terraform, npm, python …
  const words = [singleQuote(name), ...args.map((a) => (a.param !== undefined ? singleQuote('-' + a.param + (a.parts.length ? ':' + a.parts.join('') : '')) : word(a.parts)))];
  out.lines.push(words.join(' '));
}

/** Native-command flags keep their original spelling (`--force` is not a PowerShell parameter). */
function nativeArgs(cmd: SyntaxNode): string[] {
  const elems = cmd.childForFieldName('command_elements');
  const out: string[] = [];
  for (const e of elems?.namedChildren ?? []) {
    if (!e || e.type === 'command_argument_sep') continue;
    if (e.type === 'command_parameter' || e.type === 'generic_token') out.push(singleQuote(e.text));
    else out.push(word(valueParts(e)));
  }
  return out;
}

function merge(into: TranslatedScript, from: TranslatedScript): void {
  into.lines.push(...from.lines);
  into.findings.push(...from.findings);
  if (from.unanalysable) into.unanalysable ??= from.unanalysable;
}

/**
 * A cmd.exe line (`"shell": "cmd"`, `cmd /c …`), read by cmd.ts; a `powershell -Command …`
 * inside it is read here. Exported from this module so neither reader imports the other.
 */
export function analyseCmd(line: string, env: Record<string, string | undefined> = {}, depth = 0): TranslatedScript {
  return translateCmd(line, env, depth, analysePowerShell);
}

export function analysePowerShell(code: string, depth = 0): TranslatedScript {
  const out: TranslatedScript = { lines: [], findings: [] };
  const r = withTree('powershell', code, (root) => {
    for (const cmd of root.descendantsOfType('command')) {
      if (!cmd) continue;
      const chain = cmd.parent;
      const piped = !!chain && chain.type === 'pipeline_chain' && chain.namedChildren.indexOf(cmd) > 0;
      const before = out.lines.length;
      translateCommand(cmd, out, piped, depth);
      // Native programs keep their own flag spelling.
      const nameNode = cmd.childForFieldName('command_name');
      const name = (nameNode?.text ?? '').replace(/^.*[\\/]/, '').replace(/\.exe$/i, '').toLowerCase();
      if (out.lines.length === before + 1 && nameNode?.type === 'command_name' && !/^[a-z]+-[a-z]+$/i.test(name) && !REMOVE_ITEM.test(name) && !/^(?:clc|sc|ac|ni|mi|move|mv|irm|iwr|curl|wget|iex|saps|start|cmd|powershell|pwsh)$/.test(name)) {
        out.lines[before] = [singleQuote(name), ...nativeArgs(cmd)].join(' ');
      }
    }
  });
  if (r.error) out.unanalysable ??= `the PowerShell line cannot be parsed: ${r.error}`;
  return out;
}
