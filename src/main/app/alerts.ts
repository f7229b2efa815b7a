// What the user is told when something happens while they are looking elsewhere: a toast, a
// sound, a flashing taskbar button, a conversation window opening in the background. Each of
// these is decided here from the preferences and what is on screen; the desktop only carries out.
import type { Preferences, Status } from '../../shared/schemas';

export type SoundName = 'sign-in' | 'message' | 'nudge';
export const SOUND_NAMES: readonly SoundName[] = ['sign-in', 'message', 'nudge'];

/** How a conversation is on screen right now. */
export type ConversationWindowState = 'none' | 'background' | 'focused';

export interface Toast {
  readonly title: string;
  readonly body: string;
  /** Clicking the toast opens this conversation; without it, the contact list. */
  readonly conversationId?: string;
}

export interface Alert {
  readonly toast?: Toast;
  readonly sound?: SoundName;
  /** Open the conversation window without taking focus. */
  readonly openWindow?: boolean;
  /** Flash the conversation window's taskbar button. */
  readonly flash?: boolean;
}

const TOAST_TEXT_MAX = 120;

/** Busy means "do not disturb": no toasts and no sounds, as in the classic client. */
function quiet(ownStatus: Status | undefined): boolean {
  return ownStatus === 'BSY';
}

export function contactSignedInAlert(
  prefs: Preferences,
  ownStatus: Status | undefined,
  contact: { readonly email: string; readonly displayName: string },
): Alert {
  if (quiet(ownStatus)) return {};
  return {
    ...(prefs.notifications.contactSignIn
      ? { toast: { title: `${shorten(contact.displayName || contact.email)} has just signed in`, body: contact.email } }
      : {}),
    ...(prefs.sounds.signIn ? { sound: 'sign-in' as const } : {}),
  };
}

export function messageAlert(
  prefs: Preferences,
  ownStatus: Status | undefined,
  message: {
    readonly conversationId: string;
    readonly from: { readonly email: string; readonly displayName: string };
    readonly text: string;
  },
  window: ConversationWindowState,
): Alert {
  return conversationAlert(prefs, ownStatus, window, {
    title: `${shorten(message.from.displayName || message.from.email)} says:`,
    body: shorten(message.text),
    conversationId: message.conversationId,
  });
}

/** A file offered to us calls for the conversation window as a message does: it waits for an answer. */
export function fileOfferAlert(
  prefs: Preferences,
  ownStatus: Status | undefined,
  offer: {
    readonly conversationId: string;
    readonly from: { readonly email: string; readonly displayName: string };
    readonly name: string;
  },
  window: ConversationWindowState,
): Alert {
  return conversationAlert(prefs, ownStatus, window, {
    title: `${shorten(offer.from.displayName || offer.from.email)} would like to send you a file:`,
    body: shorten(offer.name),
    conversationId: offer.conversationId,
  });
}

function conversationAlert(
  prefs: Preferences,
  ownStatus: Status | undefined,
  window: ConversationWindowState,
  toast: Toast,
): Alert {
  if (window === 'focused') return {};
  const alert: Alert = { openWindow: window === 'none', flash: true };
  if (quiet(ownStatus)) return alert;
  return {
    ...alert,
    ...(prefs.notifications.message ? { toast } : {}),
    ...(prefs.sounds.message ? { sound: 'message' as const } : {}),
  };
}

/** A nudge is meant to get attention: it is heard even in the focused window, unless Busy. */
export function nudgeAlert(prefs: Preferences, ownStatus: Status | undefined, window: ConversationWindowState): Alert {
  return {
    ...(window === 'focused' ? {} : { openWindow: window === 'none', flash: true }),
    ...(prefs.sounds.nudge && !quiet(ownStatus) ? { sound: 'nudge' as const } : {}),
  };
}

/** One line, whitespace collapsed, cut at a code point boundary with an ellipsis. */
export function shorten(text: string, max = TOAST_TEXT_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Linux notification servers render a subset of HTML in a toast's body (the freedesktop
 * "body-markup": `<b>`, `<i>`, `<a href>`, `<img>`), so a contact's name or message would be
 * drawn as markup there, or hide the toast when it does not parse. Windows and macOS show
 * text. The title is plain text everywhere, as the specification says.
 */
export function toastBodyRendersMarkup(platform: NodeJS.Platform): boolean {
  return platform !== 'win32' && platform !== 'darwin';
}

const MARKUP_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** The toast as the notification server must be given it, so that it shows exactly its text. */
export function toastForDisplay(toast: Toast, bodyRendersMarkup: boolean): Toast {
  if (!bodyRendersMarkup) return toast;
  return { ...toast, body: toast.body.replace(/[&<>]/g, (c) => MARKUP_ESCAPES[c] ?? c) };
}
