// Lint: TypeScript rules, and the boundary that keeps `vscode` out of the pure core
// (src/core, src/cli and the gate helper run outside the editor).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/**/*.js', '.vscode-test/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/intercept/gate-client.ts', 'src/intercept/protocol.ts', 'src/intercept/broker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'The pure core must not import vscode: it runs in the CLI, the gates and node:test.' }] },
      ],
    },
  },
);
