/**
 * `rake TASK` follows the Rakefile's tasks and `mix ALIAS` follows mix.exs aliases: read at
 * check time, analysed with the same engine, each finding citing file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src/core/engine';
import { boundedFileSource } from '../../../src/core/shell/files';
import { parseRakefile, mixAliases } from '../../../src/core/shell/follow/rakeMix';
import { HOME, WS } from './helpers';

const RAKEFILE = `require 'fileutils'

desc 'Build'
task :build do
  sh 'echo build'
end

namespace :data do
  desc 'Reset'
  task reset: [:backup] do
    sh "rm -rf data"
  end

  task :backup do
    puts "backing up"
    system("cp -r data /tmp/backup")
  end
end

task default: :build
task :wipe => ['data:reset']
task :nuke do
  Rake::Task['data:reset'].invoke
  \`git clean -fdx\`
end
task :tidy do
  FileUtils.rm_rf('db')
end
`;

const MIX = `defmodule App.MixProject do
  use Mix.Project

  def project do
    [app: :app, aliases: aliases()]
  end

  defp aliases do
    [
      setup: ["deps.get", "ecto.setup"],
      "ecto.setup": ["ecto.create", "ecto.migrate"],
      wipe: ["cmd rm -rf priv/static", "compile"],
      reset: ["ecto.drop", "ecto.setup"],
      test: ["ecto.create --quiet", "ecto.migrate --quiet", "test"],
      custom: [&reset_all/1]
    ]
  end
end
`;

function engineWith(files: Record<string, string>) {
  const abs = Object.fromEntries(Object.entries(files).map(([k, v]) => [`${WS}/${k}`, v]));
  return createEngine({
    timeBudgetMs: 5000,
    files: boundedFileSource({
      stat: (p) => (abs[p] !== undefined ? { size: abs[p].length, mtimeMs: 1 } : undefined),
      read: (p) => (abs[p] !== undefined ? Buffer.from(abs[p]) : undefined),
    }),
  });
}

const req = (command: string) => ({ command, cwd: WS, workspaceRoot: WS, home: HOME });

test('the Rakefile is read into tasks, with namespaces and prerequisites', () => {
  const tasks = parseRakefile(RAKEFILE);
  assert.deepEqual([...tasks.keys()].sort(), ['build', 'data:backup', 'data:reset', 'default', 'nuke', 'tidy', 'wipe']);
  assert.deepEqual(tasks.get('data:reset')?.deps, ['backup']);
  assert.deepEqual(tasks.get('wipe')?.deps, ['data:reset']);
  assert.deepEqual(tasks.get('data:reset')?.body, [10]);
});

test('rake TASK runs what the task and its prerequisites run, citing the Rakefile line', async () => {
  const e = await engineWith({ Rakefile: RAKEFILE });
  const reset = e.check(req('rake data:reset'));
  assert.notEqual(reset.decision, 'allow');
  assert.match(reset.reason, /Rakefile line 11/);
  const wipe = e.check(req('bundle exec rake wipe'));
  assert.notEqual(wipe.decision, 'allow', 'through a prerequisite and a runner');
  const nuke = e.check(req('rake nuke'));
  assert.ok(nuke.rules.includes('git.clean.force'), nuke.rules.join());
  assert.match(nuke.reason, /Rakefile line 24/);
  assert.notEqual(e.check(req('rake tidy')).decision, 'allow', 'FileUtils in a task body');
});

test('rake look-alikes: harmless tasks, listing and dry runs are allowed', async () => {
  const e = await engineWith({ Rakefile: RAKEFILE });
  for (const line of ['rake', 'rake build', 'rake data:backup', 'rake -T', 'rake -n data:reset', 'rake --dry-run wipe', 'rake unknown_task']) {
    assert.equal(e.check(req(line)).decision, 'allow', line);
  }
});

test('mix.exs aliases are read: strings are tasks or cmd lines, functions are not followed', () => {
  const a = mixAliases(MIX);
  assert.deepEqual(a.get('wipe'), [{ task: 'cmd rm -rf priv/static' }, { task: 'compile' }]);
  assert.deepEqual(a.get('ecto.setup'), [{ task: 'ecto.create' }, { task: 'ecto.migrate' }]);
  assert.deepEqual(a.get('custom'), [{ other: '&reset_all/1' }]);
});

test('mix ALIAS runs its cmd lines and mix tasks, citing mix.exs', async () => {
  const e = await engineWith({ 'mix.exs': MIX });
  const wipe = e.check(req('mix wipe'));
  assert.notEqual(wipe.decision, 'allow');
  assert.match(wipe.reason, /mix\.exs line 12/);
  const reset = e.check(req('MIX_ENV=dev mix reset'));
  assert.ok(reset.rules.some((r) => r.startsWith('db.')), reset.rules.join());
  const custom = e.check(req('mix custom'));
  assert.notEqual(custom.decision, 'allow', 'a function in an alias asks');
  assert.match(custom.reason, /reset_all/);
});

test('mix look-alikes: aliases of harmless tasks, the test alias calling the test task, plain tasks', async () => {
  const e = await engineWith({ 'mix.exs': MIX });
  for (const line of ['mix setup', 'mix test', 'mix test --cover', 'mix compile', 'mix ecto.setup', 'mix help']) {
    assert.equal(e.check(req(line)).decision, 'allow', line);
  }
});

test('a Rakefile or mix.exs that cannot be read is asked', async () => {
  const e = await createEngine({
    timeBudgetMs: 5000,
    files: boundedFileSource({
      stat: (p) => (p === `${WS}/Rakefile` || p === `${WS}/mix.exs` ? { size: 10, mtimeMs: 1 } : undefined),
      read: () => undefined,
    }),
  });
  for (const line of ['rake data:reset', 'mix wipe']) {
    const v = e.check(req(line));
    assert.notEqual(v.decision, 'allow', line);
    assert.match(v.reason, /cannot be read/, line);
  }
});
