// The top of the contact list: display picture, own name (click to edit), status menu and the
// personal message ("Type a personal message").
import { useRef, useState } from 'react';
import { DisplayName, PersonalMessage, type SettableStatus } from '../../../../shared/schemas';
import { DisplayPicture, Glyph, StatusIcon } from '../../components/art';
import { RichText } from '../../components/RichText';
import { Menu } from '../../components/ui';
import { call, errorText } from '../../lib/api';
import { CHOOSABLE_STATUSES, STATUS_LABELS } from '../../../../shared/status';
import { pushNotice, useSession } from '../../store/session';

function InlineEdit({
  value,
  label,
  placeholder,
  maxLength,
  validate,
  onSave,
  className,
}: {
  value: string;
  label: string;
  placeholder: string;
  maxLength: number;
  validate: (text: string) => boolean;
  onSave: (text: string) => Promise<unknown>;
  className: string;
}): React.JSX.Element {
  const [draft, setDraft] = useState<string | null>(null);
  // Enter saves and removes the input, which may blur it: the edit must end only once.
  const editing = useRef(false);
  if (draft === null) {
    return (
      <button
        type="button"
        className={`inline-edit ${className}`}
        aria-label={label}
        onClick={() => {
          editing.current = true;
          setDraft(value);
        }}
      >
        {value === '' ? <span className="placeholder">{placeholder}</span> : <RichText text={value} />}
      </button>
    );
  }
  const save = (): void => {
    if (!editing.current) return;
    editing.current = false;
    const text = draft.trim();
    setDraft(null);
    if (text === value || !validate(text)) return;
    onSave(text).catch((e: unknown) => pushNotice(errorText(e)));
  };
  return (
    <input
      className={`inline-edit-input ${className}`}
      aria-label={label}
      autoFocus
      value={draft}
      maxLength={maxLength}
      placeholder={placeholder}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') save();
        else if (e.key === 'Escape') {
          editing.current = false;
          setDraft(null);
        }
      }}
    />
  );
}

/** `onChangePicture` opens the Display Picture dialog (the list's modal, so it is not clipped here). */
export function Header({ onChangePicture }: { onChangePicture: () => void }): React.JSX.Element | null {
  const profile = useSession((s) => s.profile);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  if (!profile) return null;

  const setStatus = (status: SettableStatus): void => {
    call('presence:set-status', { status }).catch((e: unknown) => pushNotice(errorText(e)));
  };

  return (
    <header className="cl-header">
      <button
        type="button"
        className="own-picture"
        aria-label="Change your display picture"
        title="Change your display picture"
        onClick={onChangePicture}
      >
        <DisplayPicture
          status={profile.status}
          size="large"
          pictureId={profile.pictureId}
          label="Your display picture"
        />
      </button>
      <div className="cl-header-text">
        <div className="cl-name-line">
          <InlineEdit
            className="own-name"
            label="Your display name"
            placeholder={profile.email}
            value={profile.displayName}
            maxLength={129}
            validate={(text) => DisplayName.safeParse(text).success}
            onSave={(displayName) => call('profile:set-display-name', { displayName })}
          />
          <button
            type="button"
            className="status-button"
            aria-haspopup="menu"
            aria-label={`Status: ${STATUS_LABELS[profile.status]}`}
            onClick={(e) => {
              const rect = e.currentTarget.getBoundingClientRect();
              setMenu({ x: rect.left, y: rect.bottom });
            }}
          >
            <StatusIcon status={profile.status} />({STATUS_LABELS[profile.status]})
            <Glyph name="chevron" />
          </button>
        </div>
        <InlineEdit
          className="own-message"
          label="Your personal message"
          placeholder="<Type a personal message>"
          value={profile.personalMessage}
          maxLength={129}
          validate={(text) => PersonalMessage.safeParse(text).success}
          onSave={(text) => call('profile:set-personal-message', { text })}
        />
      </div>
      {menu && (
        <Menu
          label="Status"
          x={menu.x}
          y={menu.y}
          onClose={() => setMenu(null)}
          items={[
            ...CHOOSABLE_STATUSES.map((status) => ({
              label: STATUS_LABELS[status],
              checked: profile.status === status,
              icon: <StatusIcon status={status} />,
              onSelect: () => setStatus(status),
            })),
            { kind: 'separator' as const },
            { label: 'Sign Out', onSelect: () => void call('account:sign-out', {}) },
          ]}
        />
      )}
    </header>
  );
}
