// Compiles media/policy.schema.json with ajv into standalone code, so the product checks a
// policy file against the schema without loading or running ajv's compiler at start-up.
//   node scripts/policy-check.cjs     rewrites src/core/policy/schemaCheck.generated.ts
// A unit test compares the file with a fresh compile, so the schema stays the one source.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = path.join(ROOT, 'media', 'policy.schema.json');
const OUT = path.join(ROOT, 'src', 'core', 'policy', 'schemaCheck.generated.ts');

function generate() {
  const Ajv = require('ajv').default;
  const standalone = require('ajv/dist/standalone').default;
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
  // VS Code's own annotation in the schema (labels for enum values); not a constraint.
  ajv.addKeyword('enumDescriptions');
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  return [
    '/* eslint-disable */',
    '// Generated from media/policy.schema.json by scripts/policy-check.cjs; do not edit.',
    '// @ts-nocheck',
    standalone(ajv, validate),
    // The schema itself, for the wording of diagnostics (the keys an object takes).
    'export const schema = schema11;',
    '',
  ].join('\n');
}

if (require.main === module) {
  fs.writeFileSync(OUT, generate());
  process.stdout.write(`wrote ${path.relative(ROOT, OUT)}\n`);
}

module.exports = { generate, OUT };
