import { defineConfig } from 'vitest/config';

// Unit and integration tests. Keychain tests need a D-Bus session with an unlocked keyring and
// run separately (vitest.keychain.config.ts); browser end-to-end tests run under Playwright.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', '**/*.keychain.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
