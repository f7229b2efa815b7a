// The tray icon: renders the Electron-free tray model and turns menu choices back into actions.
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { trayView, type TrayAction, type TrayState, type TrayView } from '../app/tray';

export class ElectronTray {
  private readonly tray: Tray;
  private shown: { view: TrayView; image: Electron.NativeImage } | undefined;

  constructor(
    private readonly resourcesDir: string,
    private readonly onAction: (action: TrayAction) => void,
    onClick: () => void,
  ) {
    this.tray = new Tray(this.image('offline'));
    // On Linux most trays only show the menu; a click reaches us where the platform reports it.
    this.tray.on('click', onClick);
  }

  render(state: TrayState): void {
    const view = trayView(state);
    const image = this.image(view.icon);
    this.shown = { view, image };
    this.tray.setImage(image);
    this.tray.setToolTip(view.tooltip);
    const template: MenuItemConstructorOptions[] = view.menu.map((item) =>
      item.type === 'separator'
        ? { type: 'separator' }
        : {
            type: item.type,
            label: item.label,
            enabled: item.enabled,
            ...(item.type === 'radio' ? { checked: item.checked } : {}),
            click: () => this.onAction(item.action),
          },
    );
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  /** What the tray shows now, for the end-to-end tests (the OS draws it, out of their reach). */
  snapshot():
    { icon: string; imageSize: Electron.Size; tooltip: string; menu: string[]; checked?: string } | undefined {
    if (!this.shown || this.tray.isDestroyed()) return undefined;
    const { view, image } = this.shown;
    const checked = view.menu.find((item) => item.type === 'radio' && item.checked);
    return {
      icon: view.icon,
      imageSize: image.getSize(),
      tooltip: view.tooltip,
      menu: view.menu.flatMap((item) => (item.type === 'separator' ? [] : [item.label])),
      ...(checked && checked.type === 'radio' ? { checked: checked.label } : {}),
    };
  }

  /** Chooses an enabled menu item by its label, as a click on it would; false when there is none. */
  choose(label: string): boolean {
    const item = this.shown?.view.menu.find((i) => i.type !== 'separator' && i.label === label && i.enabled);
    if (!item || item.type === 'separator') return false;
    this.onAction(item.action);
    return true;
  }

  destroy(): void {
    this.tray.destroy();
  }

  /** `<icon>.png` with its `@2x` sibling, which Electron picks up for high-DPI screens. */
  private image(icon: string): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.resourcesDir, 'tray', `${icon}.png`));
  }
}
