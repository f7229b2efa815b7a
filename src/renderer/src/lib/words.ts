// What the user reads when something ends or fails, worded for people rather than protocols.
import type { SessionPhase, SignOutReason } from '../../../shared/schemas';

export function signOutMessage(reason: SignOutReason): string | null {
  switch (reason) {
    case 'user':
      return null;
    case 'wrong-credentials':
      return 'The e-mail address or password you typed is incorrect. Check them and try again.';
    case 'signed-in-elsewhere':
      return 'You have been signed out because you signed in to Messenger at another location.';
    case 'unreachable':
      return 'Messenger could not reach the server. Check your Internet connection and the server address, then try again.';
    case 'proxy-error':
      // The engine's message names the proxy and what went wrong with it.
      return null;
    case 'connection-lost':
      return 'You have been signed out because the connection to the server was lost.';
    case 'server-shutdown':
      return 'You have been signed out because the server is shutting down for maintenance. Try again later.';
    case 'protocol-error':
      return 'The server replied in a way this program does not understand, so sign-in stopped. Try another server.';
    case 'server-error':
      return 'The server had a problem and could not sign you in. Try again in a few minutes.';
  }
}

export function phaseMessage(phase: SessionPhase): string {
  switch (phase) {
    case 'connecting':
      return 'Connecting to the server...';
    case 'authenticating':
      return 'Checking your e-mail address and password...';
    case 'syncing':
      return 'Getting your contact list...';
    case 'reconnecting':
      return 'The connection was lost. Reconnecting...';
    case 'online':
      return 'Signed in';
    case 'signed-out':
      return 'Signing in...';
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: '2-digit', month: '2-digit', year: 'numeric' });

/** Under a message that was stored on the server while we were offline: when it was sent. */
export function sentWhileOfflineLine(at: number): string {
  const when = new Date(at);
  return `(sent while you were offline, at ${timeFormat.format(when)} on ${dateFormat.format(when)})`;
}

export function lastMessageLine(at: number): string {
  const when = new Date(at);
  return `Last message received at ${timeFormat.format(when)} on ${dateFormat.format(when)}.`;
}
