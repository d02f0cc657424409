import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tools/**', 'admin-ui/dist/**', 'schemas/generated/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['engine/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/worker/*', '**/workflows/*', '!**/workflows/messages.js'], allowTypeImports: true, message: 'engine/ never imports worker code; workflows/messages.ts is the shared contract' }] }] },
  },
  {
    files: ['engine/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '**/db/*', '**/api/*', '**/temporal/*', '**/worker/*'], message: 'engine/domain is pure' }] }] },
  },
  {
    files: ['worker/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/engine/api/*'], message: 'worker/ never imports engine/api' }] }] },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', '**/engine/db/*', '**/engine/api/*', '**/engine/temporal/*'], message: 'workflows are deterministic: no I/O' },
          { group: ['**/worker/*'], allowTypeImports: true, message: 'workflows import activities with import type only' },
        ],
      }],
    },
  },
);
