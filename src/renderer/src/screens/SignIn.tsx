// The sign-in screen, shown in the contact-list window like the classic client: saved accounts,
// status to sign in as, the three "remember" choices, the server, then progress and plain-words errors.
import { useEffect, useMemo, useState } from 'react';
import {
  Email,
  ServerConfig,
  type SavedAccount,
  type ServerPreset,
  type SettableStatus,
} from '../../../shared/schemas';
import { Logo, StatusIcon } from '../components/art';
import { call, errorText } from '../lib/api';
import { CHOOSABLE_STATUSES, STATUS_LABELS } from '../../../shared/status';
import { phaseMessage, signOutMessage } from '../lib/words';
import { clearSignOut, useSession } from '../store/session';
import { ProxyFields, proxyDraft, proxySetting, saveProxyPassword, type ProxyDraft } from './ProxyFields';
import { SoapFields, soapDraft, soapSetting, type SoapDraft } from './SoapFields';

const CUSTOM = 'custom';

function presetFor(account: SavedAccount, presets: readonly ServerPreset[]): string {
  const match = presets.find(
    (p) =>
      p.server.host === account.server.host &&
      p.server.port === account.server.port &&
      p.server.nexus === account.server.nexus &&
      JSON.stringify(p.server.soap ?? {}) === JSON.stringify(account.server.soap ?? {}),
  );
  return match?.id ?? CUSTOM;
}

export function SignIn(): React.JSX.Element {
  const phase = useSession((s) => s.phase);
  const phaseDetail = useSession((s) => s.phaseDetail);
  const signOut = useSession((s) => s.signOut);
  const [accounts, setAccounts] = useState<SavedAccount[]>([]);
  const [presets, setPresets] = useState<ServerPreset[]>([]);
  const [email, setEmail] = useState(() => useSession.getState().lastEmail);
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState<SettableStatus>('NLN');
  const [rememberMe, setRememberMe] = useState(false);
  const [rememberPassword, setRememberPassword] = useState(false);
  const [automatic, setAutomatic] = useState(false);
  const [serverChoice, setServerChoice] = useState(CUSTOM);
  const [host, setHost] = useState('');
  const [port, setPort] = useState('1863');
  const [nexus, setNexus] = useState('');
  const [proxy, setProxy] = useState<ProxyDraft>(() => proxyDraft(undefined, true));
  const [soap, setSoap] = useState<SoapDraft>(() => soapDraft(undefined));
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [soapAttempts, setSoapAttempts] = useState(0);
  const [useGateway, setUseGateway] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const saved = useMemo(() => accounts.find((a) => a.email === email.trim().toLowerCase()), [accounts, email]);

  const applyAccount = (account: SavedAccount, knownPresets: readonly ServerPreset[]): void => {
    setEmail(account.email);
    setStatus(account.status);
    setRememberMe(account.rememberMe);
    setRememberPassword(account.hasSavedPassword);
    setAutomatic(account.signInAutomatically);
    setServerChoice(presetFor(account, knownPresets));
    setHost(account.server.host);
    setPort(String(account.server.port));
    setNexus(account.server.nexus ?? '');
    setProxy(proxyDraft(account.server.proxy, true));
    setSoap(soapDraft(account.server.soap));
    setUseGateway(account.server.useGateway ?? false);
  };

  useEffect(() => {
    call('account:list', {}).then(
      (list) => {
        setAccounts(list.accounts);
        setPresets(list.presets);
        const last = useSession.getState().lastEmail;
        const account = list.accounts.find((a) => a.email === last) ?? (last === '' ? list.accounts[0] : undefined);
        if (account) applyAccount(account, list.presets);
        else if (list.presets[0]) setServerChoice(list.presets[0].id);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  const soapNow = soapSetting(soap);

  const server = (): ServerConfig | string => {
    const preset = presets.find((p) => p.id === serverChoice);
    if (preset) return preset.server;
    const proxySettingNow = proxySetting(proxy);
    if (typeof proxySettingNow === 'string') return proxySettingNow;
    if ('errors' in soapNow) {
      setAdvancedOpen(true);
      setSoapAttempts((n) => n + 1);
      return 'Check the service addresses under Advanced.';
    }
    const parsed = ServerConfig.safeParse({
      host,
      port: Number(port),
      ...(nexus.trim() === '' ? {} : { nexus: nexus.trim() }),
      ...(soapNow.setting === undefined ? {} : { soap: soapNow.setting }),
      ...(proxySettingNow === undefined ? {} : { proxy: proxySettingNow }),
      ...(useGateway ? { useGateway: true } : {}),
    });
    return parsed.success
      ? parsed.data
      : 'Type the server as a host name, a port from 1 to 65535 and, if it has one, the address of its Passport (nexus) page.';
  };

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    clearSignOut();
    setError(null);
    const address = Email.safeParse(email);
    if (!address.success) {
      setError('Type your e-mail address, such as name@example.com.');
      return;
    }
    if (password === '' && !saved?.hasSavedPassword) {
      setError('Type your password.');
      return;
    }
    const target = server();
    if (typeof target === 'string') {
      setError(target);
      return;
    }
    setBusy(true);
    try {
      await saveProxyPassword(target.proxy, proxy.password);
      await call('account:sign-in', {
        email: address.data,
        ...(password === '' ? {} : { password }),
        status,
        server: target,
        rememberMe,
        rememberPassword: rememberMe && rememberPassword,
        signInAutomatically: rememberMe && rememberPassword && automatic,
      });
      setPassword('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const inProgress = busy || (phase !== 'signed-out' && phase !== 'online');
  const problem = signOut ? (signOutMessage(signOut.reason) ?? signOut.message) : error;

  if (inProgress) {
    return (
      <div className="sign-in">
        <div className="sign-in-progress" role="status" aria-live="polite">
          <div className="spinner-logo">
            <Logo size={88} />
          </div>
          <p className="sign-in-step">{phaseMessage(phase)}</p>
          {phaseDetail === null ? null : <p className="sign-in-detail">{phaseDetail}</p>}
          <p className="sign-in-account">{email}</p>
          <button type="button" className="button" onClick={() => void call('account:sign-out', {})}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="sign-in">
      <form className="sign-in-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="sign-in-logo">
          <Logo size={80} />
        </div>
        <h1 className="sign-in-title">Sign in to Messenger</h1>
        {problem && (
          <div className="sign-in-error" role="alert">
            {problem}
          </div>
        )}
        <label className="field">
          <span>E-mail address:</span>
          <input
            type="email"
            name="email"
            list="saved-accounts"
            autoComplete="username"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              const account = accounts.find((a) => a.email === e.target.value.trim().toLowerCase());
              if (account) applyAccount(account, presets);
            }}
          />
          <datalist id="saved-accounts">
            {accounts.map((a) => (
              <option key={a.email} value={a.email} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Password:</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            placeholder={saved?.hasSavedPassword ? '(saved password)' : ''}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="field field-inline">
          <span>Sign in as:</span>
          <span className="status-select">
            <StatusIcon status={status} />
            <select value={status} onChange={(e) => setStatus(e.target.value as SettableStatus)}>
              {CHOOSABLE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </span>
        </label>
        <div className="checks">
          <label>
            <input type="checkbox" checked={rememberMe} onChange={(e) => setRememberMe(e.target.checked)} />
            Remember me
          </label>
          <label>
            <input
              type="checkbox"
              checked={rememberMe && rememberPassword}
              disabled={!rememberMe}
              onChange={(e) => setRememberPassword(e.target.checked)}
            />
            Remember my password
          </label>
          <label>
            <input
              type="checkbox"
              checked={rememberMe && rememberPassword && automatic}
              disabled={!rememberMe || !rememberPassword}
              onChange={(e) => setAutomatic(e.target.checked)}
            />
            Sign me in automatically
          </label>
        </div>
        <label className="field field-inline">
          <span>Server:</span>
          <select value={serverChoice} onChange={(e) => setServerChoice(e.target.value)} aria-label="Server">
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value={CUSTOM}>Other server...</option>
          </select>
        </label>
        {serverChoice === CUSTOM && (
          <fieldset className="custom-server">
            <legend>Other server</legend>
            <label className="field">
              <span>Host:</span>
              <input
                name="host"
                value={host}
                onChange={(e) => setHost(e.target.value)}
                placeholder="messenger.example.com"
              />
            </label>
            <label className="field">
              <span>Port:</span>
              <input name="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
            </label>
            <label className="field">
              <span>Passport (nexus) URL:</span>
              <input
                name="nexus"
                value={nexus}
                onChange={(e) => setNexus(e.target.value)}
                placeholder="https://host/rdr/pprdr.asp (optional)"
              />
            </label>
            <ProxyFields draft={proxy} allowDefault onChange={setProxy} />
            <label className="check">
              <input type="checkbox" checked={useGateway} onChange={(e) => setUseGateway(e.target.checked)} />
              Always use the HTTP gateway
            </label>
            <SoapFields
              draft={soap}
              host={host}
              nexus={nexus}
              errors={'errors' in soapNow ? soapNow.errors : {}}
              failedAttempts={soapAttempts}
              open={advancedOpen}
              onToggle={setAdvancedOpen}
              onChange={setSoap}
            />
          </fieldset>
        )}
        <button type="submit" className="button button-primary sign-in-button">
          Sign In
        </button>
        <button
          type="button"
          className="link-button sign-in-inspector"
          onClick={() => call('inspector:open', {}).catch((e: unknown) => setError(errorText(e)))}
        >
          Trouble signing in? Open the Protocol Inspector
        </button>
      </form>
    </div>
  );
}
