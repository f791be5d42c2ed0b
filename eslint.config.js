// Lint: typescript-eslint's recommended rules, plus the layering rule from the
// design: sources never import graphql or dataloader.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'src/generated/',
      'src/graphql/resolvers-types.generated.ts',
      'bench/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/sources/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'graphql', message: 'Sources know nothing of GraphQL (see DESIGN.md).' },
            { name: 'dataloader', message: 'Only src/loaders creates DataLoaders.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/loaders/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', 'fastify', '@apollo/*'], message: 'Loaders never import HTTP code.' }] },
      ],
    },
  },
);
