// Masking of secrets in traced traffic. Applied inside the engine, before an entry reaches any
// listener, so neither the inspector window, a saved trace nor the CLI's stderr ever holds a
// password, a hash of one, a ticket, a token or a cookie. What stays visible is what explains a
// failure: the commands, their order, the error codes, the addresses.

export const MASK = '***';

/** Switchboard and sign-in tokens by command: the indexes (in the params after the name) to hide. */
function maskedParams(name: string, params: readonly string[]): ReadonlySet<number> {
  const hidden = new Set<number>();
  switch (name) {
    case 'USR': {
      // NS: USR trid MD5|TWN|SSO S <hash|ticket|token> [<MBI answer> …]. SB: USR trid email cookie.
      const method = params[1];
      if ((method === 'MD5' || method === 'TWN' || method === 'SSO') && params[2] === 'S') {
        // Ours carries the secret; the server's `USR trid TWN S <policy params>` / `SSO S <policy> <nonce>` does not,
        // but the nonce is an input of the MBI answer, so it goes too.
        for (let i = 3; i < params.length; i++) hidden.add(i);
      } else if (method !== undefined && method.includes('@') && params.length >= 3) {
        hidden.add(2);
      }
      break;
    }
    case 'XFR':
      // XFR trid SB host:port CKI <cookie> [...]
      if (params[1] === 'SB') hidden.add(4);
      break;
    case 'RNG':
      // RNG sessid host:port CKI <cookie> email name
      hidden.add(0);
      hidden.add(3);
      break;
    case 'ANS':
      // ANS trid email cookie sessid (ours); ANS trid OK (the server's)
      if (params.length >= 4) {
        hidden.add(2);
        hidden.add(3);
      }
      break;
    case 'CAL':
      // CAL trid RINGING sessid: the session id completes the cookie in ANS.
      if (params[1] === 'RINGING') hidden.add(2);
      break;
  }
  return hidden;
}

/** The command line with its secret tokens replaced by the mask. */
export function maskCommandLine(name: string, params: readonly string[]): string {
  const hidden = maskedParams(name, params);
  const shown = params.map((p, i) => (hidden.has(i) ? MASK : p));
  return [name, ...shown].join(' ');
}

/** MIME headers whose values are cookies or tickets (the `MSG Hotmail` profile, OIM and SOAP answers). */
const SECRET_MIME_HEADERS =
  /^(MSPAuth|MSPProf|MSPSec|sid|kv|Authorization|Proxy-Authorization|Cookie|Set-Cookie|Ticket|TicketToken)$/i;

/** XML elements whose text is a credential or token (SOAP: RST, address book, OIM). */
const SECRET_XML =
  /<((?:[\w-]+:)?(?:Password|BinarySecurityToken|BinarySecret|TicketToken|Ticket|PassportTicket|ProofToken|Nonce|Signature|CipherValue|SignatureValue))(\s[^>]*)?>[\s\S]*?<\/\1>/g;

/** The RSI PassportCookie (offline-message retrieval): the ticket's halves as `<t>` and `<p>`. */
const PASSPORT_COOKIE = /(<(?:[\w-]+:)?PassportCookie\b[^>]*>)([\s\S]*?)(<\/(?:[\w-]+:)?PassportCookie>)/g;
const COOKIE_PART = /<((?:[\w-]+:)?[tp])(\s[^>]*)?>[\s\S]*?<\/\1>/g;

const TICKET_PAIRS = /\b(t|p|MSPAuth|MSPProf|ticket)=([^&\s;,"'<]+)/g;

/** Masks cookie and ticket headers, SOAP secrets and `t=…&p=…` tickets in a text payload. */
export function maskText(text: string): string {
  const lines = text.split(/(\r?\n)/);
  let inHeaders = true;
  const out = lines.map((segment) => {
    if (/^\r?\n$/.test(segment)) return segment;
    if (segment === '') {
      inHeaders = false;
      return segment;
    }
    if (inHeaders) {
      const colon = segment.indexOf(':');
      if (colon > 0 && SECRET_MIME_HEADERS.test(segment.slice(0, colon).trim())) {
        return `${segment.slice(0, colon)}: ${MASK}`;
      }
    }
    return segment;
  });
  return out
    .join('')
    .replace(SECRET_XML, (_m, tag: string, attrs?: string) => `<${tag}${attrs ?? ''}>${MASK}</${tag}>`)
    .replace(
      PASSPORT_COOKIE,
      (_m, open: string, inner: string, close: string) =>
        `${open}${inner.replace(COOKIE_PART, (_p, tag: string, attrs?: string) => `<${tag}${attrs ?? ''}>${MASK}</${tag}>`)}${close}`,
    )
    .replace(TICKET_PAIRS, (_m, key: string) => `${key}=${MASK}`);
}

/** HTTP headers as they may be shown: credentials, cookies and tickets masked. */
export function maskHttpHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization' || lower === 'cookie' || lower === 'set-cookie') {
      out[name] = MASK;
    } else if (lower === 'authentication-info') {
      // Passport 1.4: `da-status=success,from-PP='<ticket>',…`
      out[name] = text
        .replace(/(from-PP|to-PP)='[^']*'/gi, `$1='${MASK}'`)
        .replace(TICKET_PAIRS, (_m, k: string) => `${k}=${MASK}`);
    } else if (lower === 'x-msn-messenger') {
      // The gateway's SessionID is all it takes to speak in someone's session.
      out[name] = text.replace(/SessionID=[^;\s]*/i, `SessionID=${MASK}`);
    } else {
      out[name] = text.replace(TICKET_PAIRS, (_m, k: string) => `${k}=${MASK}`);
    }
  }
  return out;
}

/** A URL as it may be shown: user info, ticket and session query values masked. */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text.replace(TICKET_PAIRS, (_m, k: string) => `${k}=${MASK}`);
  }
  if (url.username !== '' || url.password !== '') {
    url.username = MASK;
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (/^(t|p|ticket|sessionid|mspauth|pwd|password)$/i.test(key)) url.searchParams.set(key, MASK);
  }
  return url.toString().replace(/%2A%2A%2A/g, MASK);
}
