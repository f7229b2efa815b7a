// Electron end-to-end tests: Playwright starts the built app (or, with REVIVAL_ELECTRON_BINARY,
// an installed one) against the reference MSNP server. Without an Electron binary every test is
// skipped with the reason (a failure where REVIVAL_REQUIRE_ELECTRON=1). On Linux it needs a display
// (scripts/test.mjs uses xvfb-run when there is none).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/electron/global-setup.ts',
  outputDir: 'test-results/electron-artifacts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Each test starts one or two whole apps; on a small machine one at a time.
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright-electron.json' }]],
  use: { screenshot: 'off', trace: 'retain-on-failure' },
});
