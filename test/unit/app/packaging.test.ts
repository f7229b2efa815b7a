// electron-builder cannot run here (it needs each platform's Electron build), so the packaging
// config is checked the way electron-builder checks it first, plus what the app relies on.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { ASSETS_DIR, METAINFO_FILE, renderPackagingAssets } from '../../../scripts/packaging-assets';
import { APP_ID, EXECUTABLE_NAME, PRODUCT_NAME } from '../../../src/main/app/identity';

const root = resolve(import.meta.dirname, '../../..');
// Loaded by path: the config sits outside the compiled sources.
const configPath = resolve(root, 'electron-builder.config.ts');

async function load(): Promise<Configuration> {
  return ((await import(configPath)) as { default: Configuration }).default;
}

describe('packaging config', () => {
  it('passes electron-builder’s own validation', async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as {
      validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = (await import('builder-util/out/DebugLogger.js')) as {
      DebugLogger: new (on: boolean) => unknown;
    };
    await expect(validateConfiguration(await load(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('uses the identity the app uses for its keychain entries and notifications', async () => {
    const config = await load();
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe(PRODUCT_NAME);
    expect(config.executableName).toBe(EXECUTABLE_NAME);
    expect(config.extraMetadata).toMatchObject({ desktopName: `${EXECUTABLE_NAME}.desktop` });
  });

  it('builds AppImage and deb with a desktop entry, NSIS and dmg', async () => {
    const config = await load();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.desktop?.entry).toMatchObject({ Categories: 'Network;InstantMessaging;Chat;' });
    expect(config.deb?.depends).toContain('libsecret-1-0');
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
  });

  it('ships the bundles and the resources, with the icons made before packing', async () => {
    const config = await load();
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*', 'resources/**/*', `!${ASSETS_DIR}/**`]));
    expect(typeof config.beforeBuild).toBe('function');
    const out = mkdtempSync(join(tmpdir(), 'packaging-'));
    try {
      const made = renderPackagingAssets(root, out);
      const inOut = (path: string): string => resolve(out, relative(resolve(root, ASSETS_DIR), resolve(root, path)));
      expect(inOut(config.linux?.icon as string)).toBe(made.linuxIcons);
      expect(inOut(config.win?.icon as string)).toBe(made.windowsIcon);
      expect(inOut(config.mac?.icon as string)).toBe(made.macIcon);
      for (const path of Object.values(made)) expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('installs the AppStream metadata with the deb', async () => {
    const config = await load();
    expect(config.deb?.fpm).toEqual([
      `${resolve(root, ASSETS_DIR, METAINFO_FILE)}=/usr/share/metainfo/${METAINFO_FILE}`,
    ]);
  });
});
