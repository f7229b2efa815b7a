// The contact list's dialogs: add a contact, "X has added you", group names and confirmations.
import { useState } from 'react';
import { Email, GroupName } from '../../../../shared/schemas';
import { Dialog } from '../../components/ui';
import { call, errorText } from '../../lib/api';
import { dismissAddedYou, useSession } from '../../store/session';

function DialogButtons({
  busy,
  submitLabel,
  onCancel,
}: {
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
}): React.JSX.Element {
  return (
    <div className="dialog-buttons">
      <button type="submit" className="button button-primary" disabled={busy}>
        {submitLabel}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** Runs a dialog's action, keeping the dialog open with the reason when it fails. */
function useAction(onDone: () => void): {
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  run: (action: () => Promise<unknown>) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<unknown>): void => {
    setBusy(true);
    setError(null);
    action().then(onDone, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };
  return { busy, error, setError, run };
}

function ErrorLine({ error }: { error: string | null }): React.JSX.Element | null {
  return error ? (
    <p className="dialog-error" role="alert">
      {error}
    </p>
  ) : null;
}

export function AddContactDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const groups = useSession((s) => s.groups);
  const [email, setEmail] = useState('');
  const [groupId, setGroupId] = useState('');
  const { busy, error, setError, run } = useAction(onClose);
  return (
    <Dialog title="Add a Contact" onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const address = Email.safeParse(email);
          if (!address.success) {
            setError('Type the e-mail address of the person you want to add, such as name@example.com.');
            return;
          }
          run(() => call('contacts:add', { email: address.data, ...(groupId === '' ? {} : { groupId }) }));
        }}
      >
        <p>Type your contact&apos;s e-mail address:</p>
        <input
          className="wide"
          name="contact-email"
          aria-label="Contact's e-mail address"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="example@example.com"
        />
        <label className="field field-inline">
          <span>Group:</span>
          <select value={groupId} onChange={(e) => setGroupId(e.target.value)} aria-label="Group">
            <option value="">(No group)</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <ErrorLine error={error} />
        <DialogButtons busy={busy} submitLabel="Add" onCancel={onClose} />
      </form>
    </Dialog>
  );
}

export function AddedYouDialog({ email, displayName }: { email: string; displayName: string }): React.JSX.Element {
  const [allow, setAllow] = useState(true);
  const [addToContacts, setAddToContacts] = useState(true);
  const close = (): void => dismissAddedYou(email);
  const { busy, error, run } = useAction(close);
  const name = displayName === '' || displayName === email ? email : `${displayName} (${email})`;
  return (
    <Dialog title="Messenger" onClose={close} className="added-you">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => call('contacts:respond-added', { email, allow, addToContacts }));
        }}
      >
        <p className="added-you-text">
          <strong>{name}</strong> has added you to their contact list.
        </p>
        <p>Do you want to:</p>
        <label className="radio">
          <input type="radio" name="allow" checked={allow} onChange={() => setAllow(true)} />
          Allow this person to see when you are online and contact you
        </label>
        <label className="radio">
          <input type="radio" name="allow" checked={!allow} onChange={() => setAllow(false)} />
          Block this person from seeing when you are online and contacting you
        </label>
        <label className="check">
          <input type="checkbox" checked={addToContacts} onChange={(e) => setAddToContacts(e.target.checked)} />
          Add this person to my contact list
        </label>
        <ErrorLine error={error} />
        <div className="dialog-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            OK
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function GroupNameDialog({
  group,
  onClose,
}: {
  /** The group to rename; absent to create one. */
  group?: { id: string; name: string };
  onClose: () => void;
}): React.JSX.Element {
  const [name, setName] = useState(group?.name ?? '');
  const { busy, error, setError, run } = useAction(onClose);
  return (
    <Dialog title={group ? 'Rename Group' : 'Create a Group'} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = GroupName.safeParse(name);
          if (!parsed.success) {
            setError('Type a group name of 1 to 61 characters.');
            return;
          }
          run(() =>
            group
              ? call('groups:rename', { id: group.id, name: parsed.data })
              : call('groups:create', { name: parsed.data }),
          );
        }}
      >
        <p>Type a name for the group:</p>
        <input className="wide" aria-label="Group name" value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorLine error={error} />
        <DialogButtons busy={busy} submitLabel={group ? 'Rename' : 'Create'} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  option,
  onConfirm,
  onClose,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  /** An extra checkbox, e.g. "Also block this contact". */
  option?: string;
  onConfirm: (option: boolean) => Promise<unknown>;
  onClose: () => void;
}): React.JSX.Element {
  const [checked, setChecked] = useState(false);
  const { busy, error, run } = useAction(onClose);
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => onConfirm(checked));
        }}
      >
        <p>{message}</p>
        {option && (
          <label className="check">
            <input type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} />
            {option}
          </label>
        )}
        <ErrorLine error={error} />
        <DialogButtons busy={busy} submitLabel={confirmLabel} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
