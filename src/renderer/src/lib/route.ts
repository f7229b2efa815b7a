// Which screen this window shows, from its hash: `#/` the contact list (and sign-in),
// `#/conversation/<id>` one conversation, `#/options` the options, `#/history` the message
// history (`#/history/<contact>` at one contact's log), `#/inspector` the protocol inspector.
export type Route =
  | { kind: 'contact-list' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'options' }
  | { kind: 'history'; contact?: string }
  | { kind: 'inspector' };

export function parseRoute(hash: string): Route {
  if (hash === '#/options') return { kind: 'options' };
  if (hash === '#/inspector') return { kind: 'inspector' };
  if (hash === '#/history') return { kind: 'history' };
  const history = /^#\/history\/([^/]+)$/.exec(hash);
  if (history?.[1]) {
    try {
      return { kind: 'history', contact: decodeURIComponent(history[1]) };
    } catch {
      return { kind: 'history' };
    }
  }
  const match = /^#\/conversation\/([^/]+)$/.exec(hash);
  if (match?.[1]) {
    try {
      const conversationId = decodeURIComponent(match[1]);
      if (conversationId.length <= 64) return { kind: 'conversation', conversationId };
    } catch {
      // A malformed id falls through to the contact list.
    }
  }
  return { kind: 'contact-list' };
}
