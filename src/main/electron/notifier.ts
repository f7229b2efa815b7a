// Native toasts. Silent: the app plays its own sounds, which the user can turn off separately.
import { Notification } from 'electron';
import { toastBodyRendersMarkup, toastForDisplay, type Toast } from '../app/alerts';
import type { Notifier } from '../app/host';

export class ElectronNotifier implements Notifier {
  /** Kept until closed: a toast whose object is garbage-collected loses its click handler. */
  private readonly live = new Set<Notification>();
  private readonly markup = toastBodyRendersMarkup(process.platform);

  constructor(private readonly iconPath: string) {}

  show(toast: Toast, onClick: () => void): void {
    if (!Notification.isSupported()) return;
    const { title, body } = toastForDisplay(toast, this.markup);
    const notification = new Notification({ title, body, icon: this.iconPath, silent: true });
    this.live.add(notification);
    notification.on('click', () => {
      this.live.delete(notification);
      onClick();
    });
    notification.on('close', () => this.live.delete(notification));
    notification.on('failed', () => this.live.delete(notification));
    notification.show();
  }
}
