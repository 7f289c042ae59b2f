/** PowerShell (tree-sitter-powershell) and cmd lines judged as what they amount to. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyseCmd, analysePowerShell, winPath } from '../../../src/core/lang/powershell';
import { shellFor } from '../../../src/core/lang/shells';
import { check, engineFor } from './helpers';

before(async () => {
  await engineFor('production');
});

test('Windows paths in the shell engine terms', () => {
  assert.equal(winPath('.\\dist'), './dist');
  assert.equal(winPath('C:\\'), '/');
  assert.equal(winPath('C:\\Users\\bob'), '/Users/bob');
  assert.equal(winPath('$HOME\\x'), '~/x');
});

test('PowerShell commands and aliases translate to their shell equivalents', () => {
  assert.deepEqual(analysePowerShell('Remove-Item .\\src -Recurse -Force').lines, ["rm -r -f './src'"]);
  for (const alias of ['rm', 'del', 'ri', 'rd', 'rmdir', 'erase']) assert.deepEqual(analysePowerShell(`${alias} -r -fo src`).lines, ["rm -r -f 'src'"], alias);
  assert.deepEqual(analysePowerShell('Remove-Item -Path "data" -Recurse').lines, ["rm -r 'data'"]);
  assert.deepEqual(analysePowerShell('Remove-Item -Path x -WhatIf -Recurse').lines, []);
  assert.deepEqual(analysePowerShell('Clear-Content .env').lines, [": > '.env'"]);
  assert.deepEqual(analysePowerShell('Invoke-RestMethod -Method Delete -Uri https://a.example/x').lines, ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(analysePowerShell('Remove-AzResourceGroup -Name rg -Force').lines, ["az group delete --name 'rg'"]);
  assert.deepEqual(analysePowerShell('Remove-S3Bucket -BucketName data -DeleteBucketContent').lines.length, 1);
  assert.deepEqual(analysePowerShell('git push --force').lines, ["'git' 'push' '--force'"]);
  assert.deepEqual(analysePowerShell('Stop-Computer').findings.map((f) => f.id), ['local.shutdown']);
  assert.match(analysePowerShell('Invoke-Expression $code').unanalysable ?? '', /built at run time/);
  assert.match(analysePowerShell('powershell -EncodedCommand SQBFAFgA').unanalysable ?? '', /encoded/);
  assert.deepEqual(analysePowerShell('cmd /c rd /s /q src').lines, ["rm -r -f 'src'"]);
  assert.deepEqual(analysePowerShell('Get-ChildItem | Select-Object Name; Write-Host done').lines, []);
});

test('cmd built-ins, %VAR% expansion and nesting', () => {
  assert.deepEqual(analyseCmd('rd /s /q src').lines, ["rm -r -f 'src'"]);
  assert.deepEqual(analyseCmd('rmdir /s build').lines, ["rm -r 'build'"]);
  assert.deepEqual(analyseCmd('del /f /s /q *.tmp').lines, ["rm -r -f '*.tmp'"]);
  assert.deepEqual(analyseCmd('rd /s /q %APP_DIR%\\data', { APP_DIR: 'C:\\app' }).lines, ["rm -r -f '/app/data'"]);
  assert.deepEqual(analyseCmd('rd /s /q %NOPE%').lines, ['rm -r -f "$CODE_VALUE"']);
  assert.deepEqual(analyseCmd('dir & echo ok && git status').lines, ["'git' 'status'"]);
  assert.deepEqual(analyseCmd('format e: /q').lines, ["mkfs '/dev/e'"]);
  assert.deepEqual(analyseCmd('powershell -Command Remove-Item src -Recurse').lines, ["rm -r 'src'"]);
});

test('the shell a request is for: named, else the platform default', () => {
  assert.equal(shellFor('pwsh.exe', 'linux'), 'pwsh');
  assert.equal(shellFor(undefined, 'win32'), 'powershell');
  assert.equal(shellFor(undefined, 'darwin'), 'bash');
  assert.equal(shellFor('C:\\Windows\\System32\\cmd.exe', 'win32'), 'cmd');
});

test('engine: positives ask, look-alikes stay allowed', async () => {
  for (const [shell, cmd] of [
    ['powershell', 'Remove-Item .\\src -Recurse -Force'],
    ['powershell', 'rm src -r'],
    ['powershell', 'Get-ChildItem -Recurse | Remove-Item -Force'],
    ['powershell', 'Clear-Content .twokey\\policy.json'],
    ['powershell', 'Format-Volume -DriveLetter D'],
    ['powershell', 'Clear-Disk -Number 1 -RemoveData'],
    ['powershell', 'Remove-AzResourceGroup -Name prod-rg -Force'],
    ['powershell', 'Invoke-WebRequest -Uri https://api.example.com/x -Method DELETE'],
    ['powershell', 'Stop-Computer -Force'],
    ['pwsh', 'kubectl delete namespace prod'],
    ['cmd', 'rd /s /q src'],
    ['cmd', 'del /f /s /q %USERPROFILE%\\Documents'],
    ['cmd', 'cmd /c "rmdir /s /q src"'],
    ['cmd', 'format d: /q'],
  ] as const) {
    const v = await check(cmd, 'production', { shell });
    assert.notEqual(v.decision, 'allow', `${shell}: ${cmd}: ${v.reason}`);
  }
  for (const [shell, cmd] of [
    ['powershell', 'Remove-Item .\\dist -Recurse'],
    ['powershell', 'Get-ChildItem -Force'],
    ['powershell', 'Invoke-RestMethod -Uri https://api.example.com/x'],
    ['powershell', 'git status'],
    ['cmd', 'dir /s'],
    ['cmd', 'rmdir /s /q node_modules'],
  ] as const) {
    const v = await check(cmd, 'production', { shell });
    assert.equal(v.decision, 'allow', `${shell}: ${cmd}: ${v.reason}`);
  }
});
