// The desktop's file dialogs for tests: the test says beforehand what the user picks, and the
// files the app opens or shows are recorded instead.
import type { FileHost } from '../../src/main/app/transfers';

export class RecordingFiles implements FileHost {
  /** What the next file chooser returns. */
  toChoose: string[] = [];
  folderToChoose: string | undefined;
  readonly opened: string[] = [];
  readonly shown: string[] = [];

  constructor(readonly downloads: string) {}

  chooseFiles(): Promise<string[]> {
    const chosen = this.toChoose;
    this.toChoose = [];
    return Promise.resolve(chosen);
  }

  chooseFolder(): Promise<string | undefined> {
    return Promise.resolve(this.folderToChoose);
  }

  /** No image decoder outside Electron: files go without a preview. */
  thumbnail(): Promise<Buffer | undefined> {
    return Promise.resolve(undefined);
  }

  receiveFolder(): string {
    return this.downloads;
  }

  openPath(path: string): Promise<void> {
    this.opened.push(path);
    return Promise.resolve();
  }

  showInFolder(path: string): void {
    this.shown.push(path);
  }
}
