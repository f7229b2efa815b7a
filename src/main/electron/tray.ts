// The tray icon: renders the Electron-free tray model and turns menu choices back into actions.
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { trayView, type TrayAction, type TrayState } from '../app/tray';

export class ElectronTray {
  private readonly tray: Tray;

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
    this.tray.setImage(this.image(view.icon));
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

  destroy(): void {
    this.tray.destroy();
  }

  /** `<icon>.png` with its `@2x` sibling, which Electron picks up for high-DPI screens. */
  private image(icon: string): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.resourcesDir, 'tray', `${icon}.png`));
  }
}
