// The "Advanced" part of a server entry: where its SOAP services (MSNP13+) are. Each field is
// optional and shows as its placeholder the address the engine derives when it is left empty
// (src/shared/soap-endpoints.ts); what is typed is checked by the shared ServerConfig schema,
// whose complaints (not a URL, a Microsoft host) show under the field.
import { useEffect, useRef, useState } from 'react';
import { ServerConfig } from '../../../shared/schemas';
import { SOAP_SERVICES, defaultSoapUrls, soapOrigin, type SoapService } from '../../../shared/soap-endpoints';

export type SoapField = 'base' | SoapService;
export type SoapDraft = Readonly<Record<SoapField, string>>;
type SoapSetting = NonNullable<ServerConfig['soap']>;

const FIELDS: readonly SoapField[] = ['base', ...SOAP_SERVICES];

const LABELS: Record<SoapField, string> = {
  base: 'SOAP base URL',
  rst: 'Login service (RST)',
  addressBook: 'Address book',
  sharing: 'Sharing service',
  storage: 'Storage service',
  oim: 'Offline messages (sending)',
  rsi: 'Offline messages (reading)',
};

export function soapDraft(setting: ServerConfig['soap']): SoapDraft {
  return Object.fromEntries(FIELDS.map((f) => [f, setting?.[f] ?? ''])) as Record<SoapField, string>;
}

/** The setting a draft stands for (undefined when every field is empty), or each field's problem. */
export function soapSetting(
  draft: SoapDraft,
): { readonly setting: SoapSetting | undefined } | { readonly errors: Partial<Record<SoapField, string>> } {
  const typed = Object.fromEntries(FIELDS.flatMap((f) => (draft[f].trim() === '' ? [] : [[f, draft[f].trim()]])));
  if (Object.keys(typed).length === 0) return { setting: undefined };
  const parsed = ServerConfig.shape.soap.safeParse(typed);
  if (parsed.success) return { setting: parsed.data };
  const errors: Partial<Record<SoapField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as SoapField;
    errors[field] ??= issue.message;
  }
  return { errors };
}

/** What an empty field means: derived as the engine derives it, from what is typed so far. */
function placeholders(host: string, nexus: string, base: string): Record<SoapField, string> {
  const server = { host: host.trim() === '' ? 'host' : host.trim() };
  const nexusUrl = URL.canParse(nexus.trim()) ? { nexus: nexus.trim() } : {};
  const baseUrl = URL.canParse(base.trim()) ? { soap: { base: base.trim() } } : {};
  return { base: soapOrigin({ ...server, ...nexusUrl }), ...defaultSoapUrls({ ...server, ...nexusUrl, ...baseUrl }) };
}

export function SoapFields({
  draft,
  host,
  nexus,
  errors,
  failedAttempts,
  open,
  onToggle,
  onChange,
}: {
  draft: SoapDraft;
  host: string;
  nexus: string;
  errors: Partial<Record<SoapField, string>>;
  /** Sign-ins refused for these fields so far: from the first, every problem shows, and each moves the focus to the first. */
  failedAttempts: number;
  open: boolean;
  onToggle: (open: boolean) => void;
  onChange: (draft: SoapDraft) => void;
}): React.JSX.Element {
  const hints = placeholders(host, nexus, draft.base);
  // A field's problem shows once it has been left, or once the form was sent (which opens this part).
  const [left, setLeft] = useState<ReadonlySet<SoapField>>(new Set());
  const part = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (failedAttempts > 0) part.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  }, [failedAttempts]);
  return (
    <details className="advanced" ref={part} open={open} onToggle={(e) => onToggle(e.currentTarget.open)}>
      <summary>Advanced</summary>
      <p className="advanced-note">
        Where the server&apos;s sign-in and address-book services are (MSNP13 and later). Leave a field empty for the
        address shown in it.
      </p>
      {FIELDS.map((field) => {
        const error = left.has(field) || failedAttempts > 0 ? errors[field] : undefined;
        return (
          <label className="field" key={field}>
            <span>{LABELS[field]}:</span>
            <input
              name={`soap-${field}`}
              value={draft[field]}
              placeholder={hints[field]}
              aria-invalid={error === undefined ? undefined : true}
              aria-describedby={error === undefined ? undefined : `soap-${field}-error`}
              onChange={(e) => onChange({ ...draft, [field]: e.target.value })}
              onBlur={() => setLeft((s) => new Set(s).add(field))}
            />
            {error === undefined ? null : (
              <span className="field-error" id={`soap-${field}-error`} role="alert">
                {error}
              </span>
            )}
          </label>
        );
      })}
    </details>
  );
}
