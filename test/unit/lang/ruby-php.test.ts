/** Ruby and PHP read with tree-sitter: calls modelled, not strings matched. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyseRuby } from '../../../src/core/lang/ruby';
import { analysePhp } from '../../../src/core/lang/php';
import { check, engineFor } from './helpers';

before(async () => {
  await engineFor('production');
});

test('Ruby: deletions, commands, HTTP, dynamic dispatch', () => {
  assert.deepEqual(analyseRuby('require "fileutils"; FileUtils.rm_rf("src")').lines, ["rm -rf 'src'"]);
  assert.deepEqual(analyseRuby('FileUtils.send(:rm_rf, "src")').lines, ["rm -rf 'src'"]);
  assert.deepEqual(analyseRuby('system("rm", "-rf", "src")').lines, ["'rm' '-rf' 'src'"]);
  assert.deepEqual(analyseRuby('`rm -rf #{dir}`').lines, ['rm -rf "$CODE_VALUE"']);
  assert.deepEqual(analyseRuby('Net::HTTP::Delete.new(URI("https://a.example/x"))').lines, ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(analyseRuby('Aws::EC2::Client.new.terminate_instances(instance_ids: ["i-1"])').lines.length, 1);
  assert.deepEqual(analyseRuby('User.delete_all').lines, ['psql -c \'DELETE FROM "User"\'']);
  assert.match(analyseRuby('FileUtils.public_send(name, "src")').unanalysable ?? '', /built at run time/);
  assert.match(analyseRuby('eval(code)').unanalysable ?? '', /built at run time/);
  assert.deepEqual(analyseRuby('puts "FileUtils.rm_rf(src)"').lines, []);
  assert.deepEqual(analyseRuby('File.read("a.txt")').lines, []);
});

test('PHP: deletions, commands, curl and Guzzle, SQL, dynamic calls', () => {
  assert.deepEqual(analysePhp('unlink("a.txt");').lines, ["rm -f 'a.txt'"]);
  assert.deepEqual(analysePhp('shell_exec("rm -rf src");').lines, ['rm -rf src']);
  assert.deepEqual(analysePhp('echo `rm -rf src`;').lines, ['rm -rf src']);
  assert.deepEqual(analysePhp('$ch = curl_init("https://a.example/x"); curl_setopt($ch, CURLOPT_CUSTOMREQUEST, "DELETE"); curl_exec($ch);').lines, ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(analysePhp('$c = new GuzzleHttp\\Client(); $c->request("DELETE", "https://a.example/x");').lines, ["curl -X DELETE 'https://a.example/x'"]);
  assert.deepEqual(analysePhp('$pdo->exec("TRUNCATE users");').lines, ["psql -c 'TRUNCATE users'"]);
  assert.deepEqual(analysePhp('call_user_func("system", "rm -rf src");').lines, ['rm -rf src']);
  assert.match(analysePhp('$f = $_GET["f"]; $f("x");').unanalysable ?? '', /built at run time/);
  assert.match(analysePhp('$o->$m();').unanalysable ?? '', /built at run time/);
  assert.match(analysePhp('eval($code);').unanalysable ?? '', /built at run time/);
  assert.deepEqual(analysePhp('echo "unlink(src)";').lines, []);
  assert.deepEqual(analysePhp('<?php echo file_get_contents("a.txt");').lines, []);
});

test('engine: Ruby and PHP positives ask, look-alikes stay allowed', async () => {
  for (const cmd of [`ruby -e 'FileUtils.rm_rf("src")'`, `ruby -e 'FileUtils.send(m, "src")'`, `php -r 'shell_exec("rm -rf src");'`, `php -r '$f = $x; $f("src");'`]) {
    assert.notEqual((await check(cmd)).decision, 'allow', cmd);
  }
  for (const cmd of [`ruby -e 'FileUtils.rm_rf("tmp")'`, `ruby -e 'puts 1 + 1'`, `php -r 'echo PHP_VERSION;'`, `php -r 'echo json_encode([1, 2]);'`]) {
    assert.equal((await check(cmd)).decision, 'allow', cmd);
  }
});
