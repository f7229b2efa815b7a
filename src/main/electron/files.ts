// The desktop's side of file transfers: the native file chooser (over the window that asked),
// the Downloads folder, opening a received file or its folder, and picture previews.
import { app, BrowserWindow, dialog, nativeImage, shell, webContents } from 'electron';
import { CommandError } from '../../shared/ipc';
import type { FileHost } from '../app/transfers';

function windowOf(senderId: string): BrowserWindow | null {
  const contents = webContents.fromId(Number(senderId));
  return contents ? BrowserWindow.fromWebContents(contents) : null;
}

export class ElectronFiles implements FileHost {
  constructor(private readonly chosenFolder: () => string | undefined) {}

  async chooseFiles(senderId: string): Promise<string[]> {
    const options = { title: 'Send a File or Photo', properties: ['openFile', 'multiSelections'] as const };
    const owner = windowOf(senderId);
    const result = await (owner
      ? dialog.showOpenDialog(owner, { ...options, properties: [...options.properties] })
      : dialog.showOpenDialog({ ...options, properties: [...options.properties] }));
    return result.canceled ? [] : result.filePaths;
  }

  async chooseFolder(senderId: string): Promise<string | undefined> {
    const owner = windowOf(senderId);
    const options = {
      title: 'Save received files in',
      properties: ['openDirectory' as const, 'createDirectory' as const],
    };
    const result = await (owner ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options));
    return result.canceled ? undefined : result.filePaths[0];
  }

  receiveFolder(): string {
    return this.chosenFolder() ?? app.getPath('downloads');
  }

  async openPath(path: string): Promise<void> {
    const failure = await shell.openPath(path);
    if (failure !== '') throw new CommandError(`The file could not be opened: ${failure}`);
  }

  showInFolder(path: string): void {
    shell.showItemInFolder(path);
  }

  /** A PNG of at most 96×96 for a picture file (Electron decodes PNG and JPEG), else nothing. */
  thumbnail(path: string): Promise<Buffer | undefined> {
    const image = nativeImage.createFromPath(path);
    if (image.isEmpty()) return Promise.resolve(undefined);
    const { width, height } = image.getSize();
    const scale = Math.min(1, 96 / Math.max(width, height));
    return Promise.resolve(
      image
        .resize({ width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) })
        .toPNG(),
    );
  }
}
