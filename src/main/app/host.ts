// What the services need from the desktop around them. Electron provides these in the app; the
// browser test harness and the demo provide their own.
import type { SoundName, Toast } from './alerts';

export interface WindowHost {
  /** Shows the contact-list window (sign-in lives there too) and brings it to the front. */
  showContactList(): void;
  /**
   * Opens the window of a conversation, or reuses the one already open. `activate: false` opens it
   * without taking focus from what the user is doing (an incoming message).
   */
  openConversation(conversationId: string, options: { readonly activate: boolean }): void;
  /** How the conversation is on screen: no window, a window in the background, or the focused one. */
  conversationWindowState(conversationId: string): 'none' | 'background' | 'focused';
  /** Asks for attention (taskbar flash, dock bounce) until the window is focused. */
  flashConversation(conversationId: string): void;
  /**
   * Opens an http(s) link in the system browser, if the window that asked has just seen a click.
   * Resolves false when it refused.
   */
  openExternal(url: string, senderId: string): Promise<boolean>;
  /** Opens the Message History window (at one contact's log), or brings it to the front. */
  openHistory?(contact: string | undefined): void;
  /** Asks the user for a folder (File → Import Message History…); undefined when cancelled. */
  chooseFolder?(senderId: string, title: string): Promise<string | undefined>;
  /** Asks the user where to save a file; undefined when cancelled. */
  chooseSaveFile?(senderId: string, title: string, defaultName: string): Promise<string | undefined>;
  /** Opens the protocol inspector's window, or brings it forward. Absent where there are no windows. */
  openInspector?(): void;
  /** Asks where to save `text` (suggesting `name`) and saves it; resolves false when the user cancelled. */
  saveText?(name: string, text: string, senderId: string): Promise<boolean>;
}

export interface Notifier {
  /** Shows a native toast; `onClick` runs when the user clicks it. */
  show(toast: Toast, onClick: () => void): void;
}

export interface SoundPlayer {
  play(sound: SoundName): void;
}
