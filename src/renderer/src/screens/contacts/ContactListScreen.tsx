// The main window once signed in: menu bar, the buddy header, the search box, the grouped list,
// and every dialog the list can open.
import { useCallback, useState } from 'react';
import { Glyph } from '../../components/art';
import { Dialog, Menu, type MenuItem } from '../../components/ui';
import { EmoticonsDialog } from '../EmoticonsDialog';
import { PictureDialog } from '../PictureDialog';
import { call, errorText } from '../../lib/api';
import { contactName, isBlocked, type ListRow, type ListView } from '../../lib/contactList';
import { contactKey } from '../../lib/contactsState';
import { dismissNotice, pushNotice, useSession } from '../../store/session';
import { isOnline } from '../../../../shared/status';
import type { Place } from '../../../../shared/ipc';
import { ImportDialog } from '../history/ImportDialog';
import { OptionsPanel } from '../Options';
import { ContactTree, type RowAction } from './ContactTree';
import { AddContactDialog, AddedYouDialog, ConfirmDialog, GroupNameDialog } from './dialogs';
import { Header } from './Header';

type Modal =
  | { kind: 'add-contact' }
  | { kind: 'create-group' }
  | { kind: 'rename-group'; id: string; name: string }
  | { kind: 'delete-group'; id: string; name: string }
  | { kind: 'delete-contact'; email: string }
  | { kind: 'options' }
  | { kind: 'picture' }
  | { kind: 'emoticons' }
  | { kind: 'import-history' };

const VIEW_KEY = 'contact-list-view';

function savedView(): ListView {
  return localStorage.getItem(VIEW_KEY) === 'groups' ? 'groups' : 'status';
}

function report(promise: Promise<unknown>): void {
  promise.catch((e: unknown) => pushNotice(errorText(e)));
}

function openConversation(email: string): void {
  report(call('conversation:open', { email }));
}

function signOutElsewhere(): void {
  report(call('session:sign-out-elsewhere', {}));
}

/** WLM 2009's line under the header while the account is also signed in somewhere else. */
function PlacesNotice({ places }: { places: readonly Place[] }): React.JSX.Element {
  const count = places.length;
  // Place names are other clients' text: shown as text only (a tooltip), never as markup.
  const names = places.map((p) => p.name || 'Unnamed place').join('\n');
  return (
    <div className="cl-places" role="status">
      <span title={names}>
        You are signed in at {count} other {count === 1 ? 'place' : 'places'}.
      </span>
      <button type="button" className="link-button" onClick={signOutElsewhere}>
        Sign out of all other places
      </button>
    </div>
  );
}

export function ContactListScreen(): React.JSX.Element {
  const groups = useSession((s) => s.groups);
  const addedYou = useSession((s) => s.addedYou);
  const notices = useSession((s) => s.notices);
  const places = useSession((s) => s.places);
  const [view, setViewState] = useState<ListView>(savedView);
  const [query, setQuery] = useState('');
  const [modal, setModal] = useState<Modal | null>(null);
  const [menu, setMenu] = useState<{ items: MenuItem[]; x: number; y: number; label: string } | null>(null);

  const setView = (next: ListView): void => {
    localStorage.setItem(VIEW_KEY, next);
    setViewState(next);
  };

  const contactMenu = useCallback(
    (row: Extract<ListRow, { kind: 'contact' }>): MenuItem[] => {
      const contact = useSession.getState().contacts[contactKey(row.email)];
      if (!contact) return [];
      const blocked = isBlocked(contact);
      const targets = groups.filter((g) => g.id !== row.groupId);
      return [
        { label: 'Send an Instant Message', onSelect: () => openConversation(contact.email) },
        {
          label: 'Send a File or Photo...',
          disabled: !isOnline(contact.status),
          onSelect: () =>
            report(
              call('conversation:open', { email: contact.email }).then(({ conversationId }) =>
                call('transfer:choose-files', { conversationId }),
              ),
            ),
        },
        { label: 'View Message History', onSelect: () => report(call('history:open', { contact: contact.email })) },
        { kind: 'separator' },
        blocked
          ? { label: 'Unblock', onSelect: () => report(call('contacts:unblock', { email: contact.email })) }
          : { label: 'Block', onSelect: () => report(call('contacts:block', { email: contact.email })) },
        { label: 'Delete Contact', onSelect: () => setModal({ kind: 'delete-contact', email: contact.email }) },
        {
          label: 'Copy E-mail Address',
          onSelect: () => report(navigator.clipboard.writeText(contact.email)),
        },
        {
          kind: 'submenu',
          label: 'Move Contact To',
          disabled: targets.length === 0,
          items: targets.map((g) => ({
            label: g.name,
            onSelect: () =>
              report(
                call('contacts:move', {
                  email: contact.email,
                  ...(row.groupId === null ? {} : { fromGroupId: row.groupId }),
                  toGroupId: g.id,
                }),
              ),
          })),
        },
      ];
    },
    [groups],
  );

  const onAction = useCallback(
    (action: RowAction) => {
      if (action.kind === 'open') openConversation(action.email);
      else if (action.kind === 'delete') setModal({ kind: 'delete-contact', email: action.email });
      else if (action.row.kind === 'contact') {
        setMenu({ items: contactMenu(action.row), x: action.x, y: action.y, label: 'Contact' });
      } else {
        const { groupId, name } = action.row;
        const items: MenuItem[] = [{ label: 'Create a Group...', onSelect: () => setModal({ kind: 'create-group' }) }];
        if (groupId !== null) {
          items.push(
            { label: 'Rename Group', onSelect: () => setModal({ kind: 'rename-group', id: groupId, name }) },
            { label: 'Delete Group', onSelect: () => setModal({ kind: 'delete-group', id: groupId, name }) },
          );
        }
        setMenu({ items, x: action.x, y: action.y, label: 'Group' });
      }
    },
    [contactMenu],
  );

  const menuBar: { label: string; items: () => MenuItem[] }[] = [
    {
      label: 'File',
      items: () => [
        { label: 'Change Display Picture...', onSelect: () => setModal({ kind: 'picture' }) },
        { label: 'Import Message History...', onSelect: () => setModal({ kind: 'import-history' }) },
        { label: 'View Message History...', onSelect: () => report(call('history:open', {})) },
        { kind: 'separator' },
        { label: 'Options...', onSelect: () => setModal({ kind: 'options' }) },
        { kind: 'separator' },
        { label: 'Sign out of all other places', disabled: places.length === 0, onSelect: signOutElsewhere },
        { label: 'Sign Out', onSelect: () => report(call('account:sign-out', {})) },
      ],
    },
    {
      label: 'Contacts',
      items: () => [
        { label: 'Add a Contact...', onSelect: () => setModal({ kind: 'add-contact' }) },
        { label: 'Create a Group...', onSelect: () => setModal({ kind: 'create-group' }) },
        { kind: 'separator' },
        {
          kind: 'submenu',
          label: 'Sort Contacts By',
          items: [
            { label: 'Groups', checked: view === 'groups', onSelect: () => setView('groups') },
            { label: 'Online/Offline', checked: view === 'status', onSelect: () => setView('status') },
          ],
        },
      ],
    },
    {
      label: 'Tools',
      items: () => [
        { label: 'Emoticons...', onSelect: () => setModal({ kind: 'emoticons' }) },
        { label: 'Message History...', onSelect: () => report(call('history:open', {})) },
        { label: 'Options...', onSelect: () => setModal({ kind: 'options' }) },
        { label: 'Protocol Inspector...', onSelect: () => report(call('inspector:open', {})) },
      ],
    },
  ];

  const closeModal = useCallback((): void => setModal(null), []);
  const pendingAdd = addedYou[0];
  const deleting =
    modal?.kind === 'delete-contact' ? useSession.getState().contacts[contactKey(modal.email)] : undefined;

  return (
    <div className="contact-list">
      <nav className="menu-bar" aria-label="Menu bar">
        {menuBar.map((m) => (
          <button
            key={m.label}
            type="button"
            aria-haspopup="menu"
            onClick={(e) => {
              const rect = e.currentTarget.getBoundingClientRect();
              setMenu({ items: m.items(), x: rect.left, y: rect.bottom, label: m.label });
            }}
          >
            {m.label}
          </button>
        ))}
      </nav>
      <Header onChangePicture={() => setModal({ kind: 'picture' })} />
      {places.length > 0 && <PlacesNotice places={places} />}
      <div className="cl-toolbar">
        <label className="search-box">
          <Glyph name="search" />
          <input
            type="search"
            aria-label="Find a contact"
            placeholder="Find a contact..."
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              // Down from the search box goes into the (filtered) list, as in the classic client.
              if (e.key !== 'ArrowDown') return;
              e.preventDefault();
              document.querySelector<HTMLElement>('.contact-tree [data-email]')?.focus();
            }}
          />
        </label>
        <button
          type="button"
          className="icon-button"
          title="Add a Contact"
          aria-label="Add a Contact"
          onClick={() => setModal({ kind: 'add-contact' })}
        >
          <Glyph name="add-contact" />
        </button>
      </div>
      <div className="cl-body">
        <ContactTree view={view} query={query} onAction={onAction} />
      </div>
      {notices.map((n) => (
        <div key={n.id} className="notice" role="alert">
          <span>{n.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
      <footer className="cl-footer">
        <button type="button" className="link-button" onClick={() => setModal({ kind: 'add-contact' })}>
          <Glyph name="add-contact" /> Add a Contact
        </button>
      </footer>

      {menu && <Menu items={menu.items} x={menu.x} y={menu.y} label={menu.label} onClose={() => setMenu(null)} />}
      {modal?.kind === 'add-contact' && <AddContactDialog onClose={closeModal} />}
      {modal?.kind === 'picture' && <PictureDialog onClose={closeModal} />}
      {modal?.kind === 'emoticons' && <EmoticonsDialog onClose={closeModal} />}
      {modal?.kind === 'create-group' && <GroupNameDialog onClose={closeModal} />}
      {modal?.kind === 'rename-group' && <GroupNameDialog group={modal} onClose={closeModal} />}
      {modal?.kind === 'delete-group' && (
        <ConfirmDialog
          title="Delete Group"
          message={`Are you sure you want to delete the group "${modal.name}"?`}
          confirmLabel="Delete"
          onConfirm={() => call('groups:delete', { id: modal.id })}
          onClose={closeModal}
        />
      )}
      {modal?.kind === 'delete-contact' && (
        <ConfirmDialog
          title="Delete Contact"
          message={`Are you sure you want to delete ${deleting ? contactName(deleting) : modal.email} (${modal.email}) from your contact list?`}
          confirmLabel="Delete"
          option="Also block this contact"
          onConfirm={async (block) => {
            if (block) await call('contacts:block', { email: modal.email });
            await call('contacts:remove', { email: modal.email });
          }}
          onClose={closeModal}
        />
      )}
      {modal?.kind === 'options' && (
        <Dialog title="Options" onClose={closeModal} className="options-dialog">
          <OptionsPanel onDone={closeModal} />
        </Dialog>
      )}
      {modal?.kind === 'import-history' && <ImportDialog onClose={closeModal} />}
      {!modal && pendingAdd && <AddedYouDialog key={pendingAdd.email} {...pendingAdd} />}
    </div>
  );
}
