/** Python read with tree-sitter: calls modelled, not strings matched. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analysePython } from '../../../src/core/lang/python';
import { check, engineFor } from './helpers';

before(async () => {
  await engineFor('production');
});

const lines = (code: string) => analysePython(code).lines;
const asks = (code: string) => analysePython(code).unanalysable;

test('deletions resolve through imports, aliases and assignments', () => {
  assert.deepEqual(lines('import shutil; shutil.rmtree("data")'), ["rm -rf 'data'"]);
  assert.deepEqual(lines('from shutil import rmtree as r\nr("data")'), ["rm -rf 'data'"]);
  assert.deepEqual(lines('import shutil as s\np = "da" + "ta"\ns.rmtree(p)'), ["rm -rf 'data'"]);
  assert.deepEqual(lines('import os\nos.remove(os.path.join("a", "b.txt"))'), ["rm -f 'a/b.txt'"]);
  assert.deepEqual(lines('from pathlib import Path\n(Path("a") / "b").unlink()'), ["rm -f 'a/b'"]);
  assert.deepEqual(lines('import shutil; shutil.rmtree(f"{base}/cache")'), ['rm -rf "$CODE_VALUE"\'/cache\'']);
  assert.deepEqual(lines('import shutil; getattr(shutil, "rmt" + "ree")("src")'), ["rm -rf 'src'"]);
  assert.deepEqual(lines('__import__("shutil").rmtree("src")'), ["rm -rf 'src'"]);
  assert.deepEqual(lines('import importlib; importlib.import_module("shutil").rmtree("src")'), ["rm -rf 'src'"]);
});

test('a look-alike string is not a call', () => {
  assert.deepEqual(lines('print("shutil.rmtree(\'src\')")'), []);
  assert.deepEqual(lines('# os.system("rm -rf /")\nprint(1)'), []);
  assert.deepEqual(lines('x = {"rm": "-rf"}; print(x)'), []);
});

test('commands run through subprocess, os and the sh library', () => {
  assert.deepEqual(lines('import subprocess; subprocess.run(["rm", "-rf", "src"])'), ["'rm' '-rf' 'src'"]);
  assert.deepEqual(lines('from subprocess import check_call as c; c("rm -rf src", shell=True)'), ['rm -rf src']);
  assert.deepEqual(lines('import os; os.system("git push --force")'), ['git push --force']);
  assert.deepEqual(lines('import os; os.execvp("rm", ["rm", "-rf", "x"])'), ["'rm' '-rf' 'x'"]);
  assert.deepEqual(lines('import sh; sh.rm("-rf", "src")'), ["'rm' '-rf' 'src'"]);
  assert.match(asks('import os; os.system(cmd)') ?? '', /built at run time/);
});

test('dynamic dispatch that can reach dangerous modules asks', () => {
  assert.match(asks('import shutil; getattr(shutil, name)("src")') ?? '', /getattr/);
  assert.match(asks('__import__(mod).rmtree("x")') ?? '', /imports a module/);
  assert.match(asks('exec(code)') ?? '', /built at run time/);
  assert.match(asks('globals()["rmtree"]("x")') ?? '', /looked up by name/);
  assert.equal(asks('getattr(obj, name)()'), undefined);
  assert.deepEqual(lines('exec("import shutil; shutil.rmtree(\'src\')")'), ["rm -rf 'src'"]);
});

test('files opened for writing become redirects; reads do not', () => {
  assert.deepEqual(lines('open(".twokey/policy.json", "w").write("{}")'), [": > '.twokey/policy.json'"]);
  assert.deepEqual(lines('open(".env", mode="a")'), [": >> '.env'"]);
  assert.deepEqual(lines('open("data.csv").read()'), []);
  assert.deepEqual(lines('from pathlib import Path; Path(".env").write_text("X=1")'), [": > '.env'"]);
});

test('HTTP clients, cloud SDKs and database clients', () => {
  assert.deepEqual(lines('import requests; requests.delete("https://api.example.com/x")'), ["curl -X DELETE 'https://api.example.com/x'"]);
  assert.deepEqual(lines('import requests; s = requests.Session(); s.delete("https://api.example.com/x")'), ["curl -X DELETE 'https://api.example.com/x'"]);
  assert.deepEqual(lines('import httpx; httpx.request("DELETE", "https://a.example/x")'), ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(lines('import urllib.request as u; u.urlopen(u.Request("https://a.example/x", method="DELETE"))'), ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(lines('import requests; requests.get("https://api.example.com/x")'), []);
  assert.match(asks('import httpx; httpx.request(m, "https://a.example/x")') ?? '', /method is built/);
  assert.deepEqual(lines('import boto3; boto3.client("ec2").delete_volume(VolumeId="vol-1")'), ["aws ec2 delete-volume 'vol-1'"]);
  assert.deepEqual(lines('import boto3; boto3.resource("s3").Bucket("data").objects.all().delete()'), ["aws s3 rm 's3://data' --recursive"]);
  assert.deepEqual(lines('from kubernetes import client; client.CoreV1Api().delete_namespace("prod")'), ["kubectl delete namespace 'prod'"]);
  assert.deepEqual(lines('import psycopg2; c = psycopg2.connect(u).cursor(); c.execute("DROP TABLE users")'), ["psql -c 'DROP TABLE users'"]);
  assert.deepEqual(lines('import sqlite3; sqlite3.connect("a.db").execute("DELETE FROM t")'), ["sqlite3 :memory: 'DELETE FROM t'"]);
  assert.deepEqual(lines('executor.execute("job-1")'), []);
  assert.deepEqual(lines('import redis; redis.Redis().flushall()'), ['redis-cli FLUSHALL']);
  assert.deepEqual(lines('User.objects.all().delete()'), ['psql -c \'DELETE FROM "User"\'']);
});

test('engine: positives ask, look-alikes stay allowed', async () => {
  for (const code of ['import shutil; shutil.rmtree("src")', 'import shutil; getattr(shutil, "rmt" + "ree")("src")', 'import boto3; boto3.client("ec2").delete_volume(VolumeId="v")', 'import requests; requests.delete(url)', 'import shutil; getattr(shutil, n)("src")']) {
    assert.notEqual((await check(`python3 -c '${code}'`)).decision, 'allow', code);
  }
  for (const code of ['import shutil; shutil.rmtree("build")', 'print(1)', 'import requests; print(requests.get("https://example.com").status_code)', 'import json, sys; json.load(sys.stdin)']) {
    assert.equal((await check(`python3 -c '${code}'`)).decision, 'allow', code);
  }
});
