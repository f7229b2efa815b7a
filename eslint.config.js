// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Imports that would pull Node or the main process into the renderer. */
const rendererForbidden = {
  patterns: [
    { group: ['node:*'], message: 'The renderer never touches Node: go through window.msn.' },
    { group: ['electron', 'electron/*'], message: 'The renderer talks to main only through window.msn.' },
    { group: ['**/main/**', '**/preload/**', '**/test/**'], message: 'The renderer may import only src/shared.' },
  ],
  paths: ['fs', 'path', 'net', 'tls', 'https', 'http', 'child_process', 'os', 'crypto'].map((name) => ({
    name,
    message: 'The renderer never touches Node: go through window.msn.',
  })),
};

/** The protocol engine runs in plain Node: no Electron, no app glue, no renderer. */
const engineForbidden = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'src/main/msnp must run in plain Node: never import electron.' },
    { group: ['**/renderer/**', '**/preload/**'], message: 'The engine never depends on the UI side.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.ci/**',
      'reports/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', rendererForbidden],
    },
  },
  {
    files: ['src/main/msnp/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', engineForbidden] },
  },
  {
    files: ['src/main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: 'The services layer must run without Electron: take an interface.',
            },
            { group: ['**/renderer/**', '**/preload/**'], message: 'The services never depend on the UI side.' },
          ],
        },
      ],
    },
  },
  {
    // The reference server is an independent implementation: sharing protocol code with the client
    // would let one misunderstanding pass on both sides.
    files: ['test/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'test/server is an independent implementation: it may import only src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', '**/main/**', '**/renderer/**'],
              message: 'src/shared is used by every process: keep it free of Node, Electron and process code.',
            },
          ],
        },
      ],
    },
  },
);
