// Options: sounds, alerts, auto-away, connection (proxy, HTTP gateway), servers and saved passwords. Preferences are saved together
// with OK, as in the classic dialog; forgetting a saved account happens at once.
import { useEffect, useState } from 'react';
import {
  RecentCount,
  type Preferences,
  type SavedAccount,
  type ServerConfig,
  type ServerPreset,
} from '../../../shared/schemas';
import { call, errorText } from '../lib/api';
import { ProxyFields, proxyDraft, proxySetting, saveProxyPassword, type ProxyDraft } from './ProxyFields';
import { useSession } from '../store/session';

type Tab = 'general' | 'alerts' | 'sounds' | 'transfers' | 'connection' | 'accounts';

const TABS: { id: Tab; label: string }[] = [
  { id: 'general', label: 'General' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'sounds', label: 'Sounds' },
  { id: 'transfers', label: 'File Transfer' },
  { id: 'connection', label: 'Connection' },
  { id: 'accounts', label: 'Accounts' },
];

function serverText(server: ServerConfig): string {
  return `${server.host}:${server.port}${server.nexus ? ` (Passport: ${server.nexus})` : ''}`;
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}): React.JSX.Element {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

function Accounts(): React.JSX.Element {
  const [accounts, setAccounts] = useState<SavedAccount[]>([]);
  const [presets, setPresets] = useState<ServerPreset[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    call('account:list', {}).then(
      (list) => {
        setAccounts(list.accounts);
        setPresets(list.presets);
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  useEffect(load, []);
  return (
    <div className="options-section">
      <h3>Servers</h3>
      <ul className="options-list">
        {presets.map((p) => (
          <li key={p.id}>
            <strong>{p.label}</strong> <span className="muted">{serverText(p.server)}</span>
          </li>
        ))}
      </ul>
      <p className="muted">To use another server, choose &quot;Other server...&quot; when you sign in.</p>
      <h3>Saved accounts and passwords</h3>
      {accounts.length === 0 && <p className="muted">No account is remembered on this computer.</p>}
      <ul className="options-list">
        {accounts.map((a) => (
          <li key={a.email} className="saved-account">
            <span>
              <strong>{a.email}</strong>
              <br />
              <span className="muted">
                {serverText(a.server)} · {a.hasSavedPassword ? 'password saved' : 'no saved password'}
              </span>
            </span>
            <button
              type="button"
              className="button"
              aria-label={`Forget ${a.email}`}
              onClick={() =>
                call('account:forget', { email: a.email }).then(load, (e: unknown) => setError(errorText(e)))
              }
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function OptionsPanel({ onDone }: { onDone: () => void }): React.JSX.Element {
  const settings = useSession((s) => s.settings);
  return settings ? <OptionsForm initial={settings} onDone={onDone} /> : <p className="muted">Loading...</p>;
}

function OptionsForm({ initial, onDone }: { initial: Preferences; onDone: () => void }): React.JSX.Element {
  const [draft, setDraft] = useState(initial);
  const [tab, setTab] = useState<Tab>('general');
  const [error, setError] = useState<string | null>(null);
  const [proxy, setProxy] = useState<ProxyDraft>(() => proxyDraft(initial.network?.proxy, false));
  const gatewayFallback = draft.network?.gatewayFallback ?? true;

  const update = (change: Partial<Preferences>): void => setDraft({ ...draft, ...change });
  const save = (): void => {
    const setting = proxySetting(proxy);
    if (typeof setting === 'string') {
      setTab('connection');
      setError(setting);
      return;
    }
    const network = { proxy: setting ?? { type: 'none' as const }, gatewayFallback };
    saveProxyPassword(setting, proxy.password)
      .then(() => call('settings:set', { ...draft, network }))
      .then(onDone, (e: unknown) => setError(errorText(e)));
  };

  return (
    <div className="options">
      <nav className="options-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'selected' : ''}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div className="options-page" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
        {tab === 'general' && (
          <div className="options-section">
            <h3>Status</h3>
            <label className="field field-inline">
              <span>Show me as &quot;Away&quot; when I&apos;m inactive for</span>
              <input
                type="number"
                min={0}
                max={240}
                className="narrow"
                aria-label="Minutes before Away"
                value={draft.autoAwayMinutes}
                onChange={(e) =>
                  update({ autoAwayMinutes: Math.max(0, Math.min(240, Math.trunc(Number(e.target.value) || 0))) })
                }
              />
              <span>minutes (0 to never)</span>
            </label>
            <h3>Sign in</h3>
            <Check
              label="Start Messenger minimized"
              checked={draft.startMinimized}
              onChange={(startMinimized) => update({ startMinimized })}
            />
            <h3>Display pictures</h3>
            <Check
              label="Show display pictures in the contact list"
              checked={draft.pictures.showInContactList}
              onChange={(showInContactList) => update({ pictures: { showInContactList } })}
            />
            <h3>Message history</h3>
            <Check
              label="Keep a history of my conversations"
              checked={draft.history.keep}
              onChange={(keep) => update({ history: { ...draft.history, keep } })}
            />
            <p className="muted">
              Conversations are saved on this computer only, where anyone using your account on it can read them. You
              can leave out a contact, or delete history, in the Message History window.
            </p>
            <label className="field field-inline">
              <span>When a conversation starts, show</span>
              <select
                aria-label="Earlier messages to show"
                value={draft.history.showRecent}
                disabled={!draft.history.keep}
                onChange={(e) => {
                  const parsed = RecentCount.safeParse(Number(e.target.value));
                  if (parsed.success) update({ history: { ...draft.history, showRecent: parsed.data } });
                }}
              >
                <option value={0}>no earlier messages</option>
                <option value={5}>the last 5 messages</option>
                <option value={20}>the last 20 messages</option>
              </select>
            </label>
          </div>
        )}
        {tab === 'transfers' && (
          <div className="options-section">
            <h3>Save received files in</h3>
            <div className="field field-inline">
              <output className="folder-path" aria-label="Folder for received files">
                {draft.transfers.folder ?? 'Your Downloads folder'}
              </output>
              <button
                type="button"
                className="button"
                onClick={() =>
                  call('transfer:choose-folder', {}).then(
                    ({ folder }) => folder !== null && update({ transfers: { folder } }),
                    (e: unknown) => setError(errorText(e)),
                  )
                }
              >
                Change...
              </button>
              {draft.transfers.folder !== undefined && (
                <button type="button" className="button" onClick={() => update({ transfers: {} })}>
                  Use Downloads
                </button>
              )}
            </div>
            <p className="options-note">Files are offered to you first: nothing is saved until you accept it.</p>
          </div>
        )}
        {tab === 'alerts' && (
          <div className="options-section">
            <h3>Display alerts when</h3>
            <Check
              label="Contacts come online"
              checked={draft.notifications.contactSignIn}
              onChange={(contactSignIn) => update({ notifications: { ...draft.notifications, contactSignIn } })}
            />
            <Check
              label="An instant message is received"
              checked={draft.notifications.message}
              onChange={(message) => update({ notifications: { ...draft.notifications, message } })}
            />
          </div>
        )}
        {tab === 'sounds' && (
          <div className="options-section">
            <h3>Play a sound when</h3>
            <Check
              label="Contacts sign in"
              checked={draft.sounds.signIn}
              onChange={(signIn) => update({ sounds: { ...draft.sounds, signIn } })}
            />
            <Check
              label="An instant message is received"
              checked={draft.sounds.message}
              onChange={(message) => update({ sounds: { ...draft.sounds, message } })}
            />
            <Check
              label="A nudge is received or sent"
              checked={draft.sounds.nudge}
              onChange={(nudge) => update({ sounds: { ...draft.sounds, nudge } })}
            />
          </div>
        )}
        {tab === 'connection' && (
          <div className="options-section">
            <h3>Proxy</h3>
            <p className="muted">Used for every server unless its entry names its own.</p>
            <ProxyFields draft={proxy} allowDefault={false} onChange={setProxy} />
            <h3>HTTP gateway</h3>
            <Check
              label="If a direct connection fails, try the HTTP gateway"
              checked={gatewayFallback}
              onChange={(on) =>
                update({ network: { proxy: draft.network?.proxy ?? { type: 'none' }, gatewayFallback: on } })
              }
            />
          </div>
        )}
        {tab === 'accounts' && <Accounts />}
      </div>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button button-primary" onClick={save}>
          OK
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}
