// Which renderer route each window shows. The renderer reads the same hashes: the contact list
// (sign-in lives there too) at `#/`, one conversation at `#/conversation/<id>`, options at `#/options`,
// the message history at `#/history` (or `#/history/<contact>` to open at one contact's log), the
// protocol inspector at `#/inspector`.
import { ConversationId } from '../../shared/schemas';

export type WindowRoute =
  | { readonly kind: 'contact-list' }
  | { readonly kind: 'conversation'; readonly conversationId: string }
  | { readonly kind: 'options' }
  | { readonly kind: 'history'; readonly contact?: string }
  | { readonly kind: 'inspector' };

export function routeHash(route: WindowRoute): string {
  switch (route.kind) {
    case 'contact-list':
      return '#/';
    case 'conversation':
      return `#/conversation/${encodeURIComponent(route.conversationId)}`;
    case 'options':
      return '#/options';
    case 'history':
      return route.contact === undefined ? '#/history' : `#/history/${encodeURIComponent(route.contact)}`;
    case 'inspector':
      return '#/inspector';
  }
}

/** The route a hash names, or undefined for anything else (never guessed). */
export function parseRouteHash(hash: string): WindowRoute | undefined {
  if (hash === '' || hash === '#' || hash === '#/') return { kind: 'contact-list' };
  if (hash === '#/options') return { kind: 'options' };
  if (hash === '#/history') return { kind: 'history' };
  const history = /^#\/history\/([^/]+)$/.exec(hash);
  if (history?.[1]) {
    try {
      const contact = decodeURIComponent(history[1]);
      return contact.length <= 256 ? { kind: 'history', contact } : undefined;
    } catch {
      return undefined;
    }
  }
  if (hash === '#/inspector') return { kind: 'inspector' };
  const match = /^#\/conversation\/([^/]+)$/.exec(hash);
  if (!match?.[1]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return ConversationId.safeParse(id).success ? { kind: 'conversation', conversationId: id } : undefined;
}

/** One window per key: a second request for the same key reuses the open window. */
export function windowKey(route: WindowRoute): string {
  return route.kind === 'conversation' ? `conversation:${route.conversationId}` : route.kind;
}

/** Which remembered size and position a window uses: every conversation window shares one. */
export type WindowStateKey = 'contactList' | 'conversation' | 'options' | 'history' | 'inspector';

export function windowStateKey(route: WindowRoute): WindowStateKey {
  return route.kind === 'contact-list' ? 'contactList' : route.kind;
}
