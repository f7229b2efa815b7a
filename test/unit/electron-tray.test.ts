// The tray glue (src/main/electron/tray.ts) on stand-ins for Electron's Tray, Menu and images:
// what the Electron tests' hooks read and choose is what the menu shows and does.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TrayAction } from '../../src/main/app/tray';

const shown = vi.hoisted(() => ({ images: [] as string[], menus: [] as { label?: string; click?: () => void }[][] }));

vi.mock('electron', () => ({
  Tray: class {
    constructor(image: { path: string }) {
      shown.images.push(image.path);
    }
    on(): void {}
    setImage(image: { path: string }): void {
      shown.images.push(image.path);
    }
    setToolTip(): void {}
    setContextMenu(menu: { label?: string; click?: () => void }[]): void {
      shown.menus.push(menu);
    }
    isDestroyed(): boolean {
      return false;
    }
    destroy(): void {}
  },
  Menu: { buildFromTemplate: (template: unknown) => template },
  nativeImage: {
    createFromPath: (path: string) => ({ path, getSize: () => ({ width: 16, height: 16 }) }),
  },
}));

const { ElectronTray } = await import('../../src/main/electron/tray');

describe('Electron tray', () => {
  it('shows the icon, tooltip and menu of the session, and chooses from it as a click would', () => {
    const actions: TrayAction[] = [];
    const tray = new ElectronTray(
      '/res',
      (action) => actions.push(action),
      () => {},
    );
    tray.render({ phase: 'online', status: 'NLN', email: 'alice@example.com' });

    expect(shown.images.at(-1)).toBe(join('/res', 'tray', 'online.png'));
    const snapshot = tray.snapshot();
    expect(snapshot).toMatchObject({
      icon: 'online',
      imageSize: { width: 16, height: 16 },
      tooltip: 'Revival Messenger: alice@example.com (Online)',
      checked: 'Online',
    });
    expect(snapshot?.menu).toEqual(expect.arrayContaining(['Away', 'Open Revival Messenger', 'Sign out', 'Exit']));

    expect(tray.choose('Away')).toBe(true);
    expect(actions).toEqual([{ type: 'set-status', status: 'AWY' }]);
    // The same action as clicking the item in the menu the OS shows.
    shown.menus
      .at(-1)
      ?.find((item) => item.label === 'Away')
      ?.click?.();
    expect(actions).toEqual([
      { type: 'set-status', status: 'AWY' },
      { type: 'set-status', status: 'AWY' },
    ]);
  });

  it('refuses items that are disabled or do not exist', () => {
    const actions: TrayAction[] = [];
    const tray = new ElectronTray(
      '/res',
      (action) => actions.push(action),
      () => {},
    );
    tray.render({ phase: 'signed-out' });
    expect(tray.snapshot()).toMatchObject({ icon: 'offline', tooltip: 'Revival Messenger (not signed in)' });
    expect(tray.snapshot()?.checked).toBeUndefined();
    expect(tray.choose('Away')).toBe(false);
    expect(tray.choose('Sign out')).toBe(false);
    expect(tray.choose('Nothing like it')).toBe(false);
    expect(actions).toEqual([]);
    expect(tray.choose('Exit')).toBe(true);
    expect(actions).toEqual([{ type: 'exit' }]);
  });
});
