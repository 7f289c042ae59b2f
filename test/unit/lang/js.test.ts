/** JavaScript read with tree-sitter: calls modelled, not strings matched. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyseJs } from '../../../src/core/lang/js';
import { check, engineFor } from './helpers';

before(async () => {
  await engineFor('production');
});

const lines = (code: string) => analyseJs(code).lines;
const asks = (code: string) => analyseJs(code).unanalysable;

test('child processes through require, import, destructuring and computed members with literal names', () => {
  assert.deepEqual(lines('require("child_process")["execSync"]("rm -rf src")'), ['rm -rf src']);
  assert.deepEqual(lines('const { execSync: x } = require("node:child_process"); x("rm -rf src")'), ['rm -rf src']);
  assert.deepEqual(lines('import { spawn } from "child_process"; spawn("rm", ["-rf", "src"])'), ["'rm' '-rf' 'src'"]);
  assert.deepEqual(lines('import * as cp from "child_process"; cp.execFileSync("git", ["push", "-f"])'), ["'git' 'push' '-f'"]);
  assert.deepEqual(lines('import("child_process").then((m) => m.exec("rm -rf src"))'), ['rm -rf src']);
  assert.deepEqual(lines('const { $ } = require("zx"); await $`rm -rf ${dir}`'), ['rm -rf "$CODE_VALUE"']);
  assert.deepEqual(lines('Bun.spawn(["rm", "-rf", "src"])'), ["'rm' '-rf' 'src'"]);
  assert.deepEqual(lines('new Deno.Command("rm", { args: ["-rf", "src"] }).outputSync()'), ["'rm' '-rf' 'src'"]);
});

test('dynamic dispatch asks', () => {
  assert.match(asks('const cp = require("child_process"); cp[m]("rm -rf src")') ?? '', /built at run time/);
  assert.match(asks('require(name)') ?? '', /requires a module/);
  assert.match(asks('eval(code)') ?? '', /built at run time/);
  assert.match(asks('new Function("a", body)(1)') ?? '', /built at run time/);
  assert.equal(asks('obj[key]()'), undefined);
  assert.deepEqual(lines('eval("require(\'fs\').rmSync(\'src\', {recursive: true})")'), ["rm -rf 'src'"]);
});

test('files: deletions and writes', () => {
  assert.deepEqual(lines('require("fs").rmSync("src", { recursive: true, force: true })'), ["rm -rf 'src'"]);
  assert.deepEqual(lines('require("fs").unlinkSync("a.txt")'), ["rm -f 'a.txt'"]);
  assert.deepEqual(lines('import fs from "fs-extra"; await fs.remove("data")'), ["rm -rf 'data'"]);
  assert.deepEqual(lines('const { rimraf } = require("rimraf"); rimraf("data")'), ["rm -rf 'data'"]);
  assert.deepEqual(lines('require("fs").writeFileSync(".twokey/policy.json", "{}")'), [": > '.twokey/policy.json'"]);
  assert.deepEqual(lines('require("fs").readFileSync("a.txt", "utf8")'), []);
  assert.deepEqual(lines('await Deno.remove("src", { recursive: true })'), ["rm -rf 'src'"]);
  assert.deepEqual(lines('console.log("fs.rmSync(\'src\')")'), []);
});

test('HTTP, cloud SDKs and databases', () => {
  assert.deepEqual(lines('fetch("https://api.example.com/x", { method: "DELETE" })'), ["curl -X DELETE 'https://api.example.com/x'"]);
  assert.deepEqual(lines('fetch("https://api.example.com/x")'), []);
  assert.match(asks('fetch(url, { method: m })') ?? '', /method is built/);
  assert.deepEqual(lines('require("axios").delete("https://api.example.com/x")'), ["curl -X DELETE 'https://api.example.com/x'"]);
  assert.deepEqual(lines('const { S3Client, DeleteBucketCommand } = require("@aws-sdk/client-s3"); new S3Client({}).send(new DeleteBucketCommand({ Bucket: "data" }))'), ["aws s3 delete-bucket 'data'"]);
  assert.deepEqual(lines('const k8s = require("@kubernetes/client-node"); const api = kc.makeApiClient(k8s.CoreV1Api); api.deleteNamespace("prod")'), ["kubectl delete namespace 'prod'"]);
  assert.deepEqual(lines('const { Client } = require("pg"); new Client().query("TRUNCATE users")'), ["psql -c 'TRUNCATE users'"]);
  assert.deepEqual(lines('const { PrismaClient } = require("@prisma/client"); new PrismaClient().user.deleteMany()'), ['psql -c \'DELETE FROM "user"\'']);
  assert.deepEqual(lines('new PrismaClient().user.deleteMany({ where: { id: 1 } })'), []);
  assert.deepEqual(lines('client.db("app").dropDatabase()'), ["mongosh --eval 'db.dropDatabase()'"]);
});

test('engine: positives ask, look-alikes stay allowed', async () => {
  for (const code of ['require("child_process")["execSync"]("rm -rf src")', 'const cp = require("child_process"); cp[m]("x")', 'fetch("https://api.example.com/x", {method: "DELETE"})']) {
    assert.notEqual((await check(`node -e '${code}'`)).decision, 'allow', code);
  }
  for (const code of ['console.log(1)', 'require("fs").rmSync("dist", {recursive: true, force: true})', 'fetch("https://example.com").then(r => r.text())', 'JSON.parse(require("fs").readFileSync("package.json", "utf8"))']) {
    assert.equal((await check(`node -e '${code}'`)).decision, 'allow', code);
  }
  assert.equal((await check("node -p 'process.version'")).decision, 'allow');
  assert.notEqual((await check("deno eval 'await Deno.remove(\"src\", {recursive: true})'")).decision, 'allow');
  assert.notEqual((await check('bun -e \'await Bun.$`rm -rf src`\'')).decision, 'allow');
});
