// The proxy part of a form: none, the system's, or a SOCKS5 / SOCKS4a / HTTP CONNECT proxy with
// an optional user name. The password is never part of a setting: it goes to the keychain
// (network:save-proxy-password) when the form is accepted.
import type { ProxySetting } from '../../../shared/schemas';
import { call } from '../lib/api';

export type ProxyChoice = 'default' | 'none' | 'system' | 'socks5' | 'socks4a' | 'http';

export interface ProxyDraft {
  readonly type: ProxyChoice;
  readonly host: string;
  readonly port: string;
  readonly username: string;
  /** Typed now; empty keeps the one in the keychain. */
  readonly password: string;
}

const LABELS: Record<ProxyChoice, string> = {
  default: 'As in Options',
  none: 'No proxy',
  system: "The system's proxy settings",
  socks5: 'SOCKS5',
  socks4a: 'SOCKS4a',
  http: 'HTTP (CONNECT)',
};

export function proxyDraft(setting: ProxySetting | undefined, allowDefault: boolean): ProxyDraft {
  if (!setting) return { type: allowDefault ? 'default' : 'none', host: '', port: '', username: '', password: '' };
  if (setting.type === 'none' || setting.type === 'system') {
    return { type: setting.type, host: '', port: '', username: '', password: '' };
  }
  return {
    type: setting.type,
    host: setting.host,
    port: String(setting.port),
    username: setting.username ?? '',
    password: '',
  };
}

/** The setting a draft stands for (undefined: "as in Options"), or what to fix. */
export function proxySetting(draft: ProxyDraft): ProxySetting | undefined | string {
  if (draft.type === 'default') return undefined;
  if (draft.type === 'none' || draft.type === 'system') return { type: draft.type };
  const port = Number(draft.port);
  if (draft.host.trim() === '' || !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    return 'Type the proxy as a host name and a port from 1 to 65535.';
  }
  if (draft.type === 'socks4a' && draft.password !== '') return 'A SOCKS4a proxy takes no password.';
  return {
    type: draft.type,
    host: draft.host.trim(),
    port,
    ...(draft.username.trim() === '' ? {} : { username: draft.username.trim() }),
  };
}

/** Puts a typed proxy password in the keychain; nothing to do when none was typed. */
export async function saveProxyPassword(setting: ProxySetting | undefined, password: string): Promise<void> {
  if (!setting || password === '' || setting.type === 'none' || setting.type === 'system' || !setting.username) return;
  const result = await call('network:save-proxy-password', {
    proxy: { type: setting.type, host: setting.host, port: setting.port, username: setting.username },
    password,
  });
  if (!result.saved) throw new Error(`The proxy password could not be saved: ${result.reason ?? 'no keychain'}`);
}

export function ProxyFields({
  draft,
  allowDefault,
  onChange,
}: {
  draft: ProxyDraft;
  allowDefault: boolean;
  onChange: (draft: ProxyDraft) => void;
}): React.JSX.Element {
  const choices = (Object.keys(LABELS) as ProxyChoice[]).filter((c) => allowDefault || c !== 'default');
  const manual = draft.type === 'socks5' || draft.type === 'socks4a' || draft.type === 'http';
  return (
    <div className="proxy-fields">
      <label className="field field-inline">
        <span>Connect through:</span>
        <select
          value={draft.type}
          aria-label="Proxy"
          onChange={(e) => onChange({ ...draft, type: e.target.value as ProxyChoice })}
        >
          {choices.map((c) => (
            <option key={c} value={c}>
              {LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      {manual && (
        <>
          <label className="field">
            <span>Proxy host:</span>
            <input
              aria-label="Proxy host"
              value={draft.host}
              onChange={(e) => onChange({ ...draft, host: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Proxy port:</span>
            <input
              aria-label="Proxy port"
              inputMode="numeric"
              value={draft.port}
              onChange={(e) => onChange({ ...draft, port: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{draft.type === 'socks4a' ? 'User id (optional):' : 'User name (optional):'}</span>
            <input
              aria-label="Proxy user name"
              autoComplete="off"
              value={draft.username}
              onChange={(e) => onChange({ ...draft, username: e.target.value })}
            />
          </label>
          {draft.type !== 'socks4a' && draft.username.trim() !== '' && (
            <label className="field">
              <span>Proxy password (kept in the keychain):</span>
              <input
                type="password"
                aria-label="Proxy password"
                autoComplete="off"
                placeholder="(unchanged)"
                value={draft.password}
                onChange={(e) => onChange({ ...draft, password: e.target.value })}
              />
            </label>
          )}
        </>
      )}
    </div>
  );
}
