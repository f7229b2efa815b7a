import { defineConfig } from 'vitest/config';

// Keychain tests talk to a real Secret Service: run them inside a D-Bus session with an unlocked
// gnome-keyring (see scripts/test.mjs); the normal run leaves them out.
export default defineConfig({
  test: {
    include: ['test/**/*.keychain.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
