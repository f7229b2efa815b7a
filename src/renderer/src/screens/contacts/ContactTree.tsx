// The grouped contact list: collapsible headers with counts, one row per contact, a roving focus
// for the keyboard. Rows select only their own contact, so a presence change re-renders one row.
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { StatusIcon } from '../../components/art';
import { pictureUrl } from '../../../../shared/pictures';
import { RichText } from '../../components/RichText';
import { buildRows, contactName, isBlocked, type ListRow, type ListView } from '../../lib/contactList';
import { contactKey } from '../../lib/contactsState';
import { STATUS_LABELS, isOnline } from '../../../../shared/status';
import { useSession } from '../../store/session';

export type RowAction =
  | { kind: 'open'; email: string }
  | { kind: 'menu'; row: ListRow; x: number; y: number }
  | { kind: 'delete'; email: string };

interface RowProps {
  row: ListRow;
  active: boolean;
  onFocusRow: (key: string) => void;
  onAction: (action: RowAction) => void;
  onToggle: (key: string) => void;
}

// Rows are rebuilt on every batch; compare them by value so unchanged rows skip rendering.
function sameRowProps(a: RowProps, b: RowProps): boolean {
  const rowA = a.row as Record<string, unknown>;
  const rowB = b.row as Record<string, unknown>;
  return (
    a.active === b.active &&
    a.onAction === b.onAction &&
    a.onFocusRow === b.onFocusRow &&
    a.onToggle === b.onToggle &&
    Object.keys(rowA).every((k) => rowA[k] === rowB[k])
  );
}

const ContactRow = memo(function ContactRow({
  row,
  active,
  onFocusRow,
  onAction,
}: RowProps & { row: Extract<ListRow, { kind: 'contact' }> }): React.JSX.Element | null {
  const contact = useSession((s) => s.contacts[contactKey(row.email)]);
  const showPictures = useSession((s) => s.settings?.pictures.showInContactList ?? false);
  if (!contact) return null;
  const blocked = isBlocked(contact);
  const online = isOnline(contact.status);
  return (
    <li
      role="treeitem"
      aria-level={2}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      data-key={row.key}
      data-email={contact.email}
      className={`contact-row${online ? '' : ' offline'}${blocked ? ' blocked' : ''}${active ? ' active' : ''}`}
      title={contact.email}
      onFocus={() => onFocusRow(row.key)}
      onDoubleClick={() => onAction({ kind: 'open', email: contact.email })}
      onContextMenu={(e) => {
        e.preventDefault();
        onFocusRow(row.key);
        onAction({ kind: 'menu', row, x: e.clientX, y: e.clientY });
      }}
    >
      <StatusIcon status={contact.status} blocked={blocked} />
      {showPictures && contact.pictureId && (
        <img className="contact-picture" src={pictureUrl(contact.pictureId)} alt="" draggable={false} />
      )}
      <span className="contact-name">
        <RichText text={contactName(contact)} />
      </span>
      {contact.status !== 'NLN' && <span className="contact-status">({STATUS_LABELS[contact.status]})</span>}
      {contact.personalMessage !== '' && (
        <span className="contact-message">
          {' - '}
          <RichText text={contact.personalMessage} />
        </span>
      )}
    </li>
  );
}, sameRowProps);

const GroupRow = memo(function GroupRow({
  row,
  active,
  onFocusRow,
  onAction,
  onToggle,
}: RowProps & { row: Extract<ListRow, { kind: 'group' }> }): React.JSX.Element {
  return (
    <li
      role="treeitem"
      aria-level={1}
      aria-expanded={!row.collapsed}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      data-key={row.key}
      className={`group-row${active ? ' active' : ''}`}
      onFocus={() => onFocusRow(row.key)}
      onClick={() => onToggle(row.key)}
      onContextMenu={(e) => {
        e.preventDefault();
        onFocusRow(row.key);
        onAction({ kind: 'menu', row, x: e.clientX, y: e.clientY });
      }}
    >
      <span className={`expander${row.collapsed ? ' collapsed' : ''}`} aria-hidden="true" />
      <span className="group-name">{row.name}</span> <span className="group-count">{row.count}</span>
    </li>
  );
}, sameRowProps);

export function ContactTree({
  view,
  query,
  onAction,
}: {
  view: ListView;
  query: string;
  onAction: (action: RowAction) => void;
}): React.JSX.Element {
  const contacts = useSession((s) => s.contacts);
  const groups = useSession((s) => s.groups);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const rows = useMemo(
    () => buildRows(Object.values(contacts), groups, { view, query, collapsed }),
    [contacts, groups, view, query, collapsed],
  );
  // When the active row leaves the list (a filter, a collapse), the first row takes over.
  const activeIndex = Math.max(
    0,
    rows.findIndex((r) => r.key === activeKey),
  );

  const toggle = useCallback((key: string) => {
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  const focusIndex = (index: number): void => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    setActiveKey(row.key);
    listRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(row.key)}"]`)?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const row = rows[activeIndex];
    if (!row) return;
    switch (e.key) {
      case 'ArrowDown':
        focusIndex(activeIndex + 1);
        break;
      case 'ArrowUp':
        focusIndex(activeIndex - 1);
        break;
      case 'Home':
        focusIndex(0);
        break;
      case 'End':
        focusIndex(rows.length - 1);
        break;
      case 'ArrowRight':
        if (row.kind === 'group' && row.collapsed) toggle(row.key);
        else focusIndex(activeIndex + 1);
        break;
      case 'ArrowLeft':
        if (row.kind === 'group') {
          if (!row.collapsed) toggle(row.key);
        } else {
          const header = rows.slice(0, activeIndex).findLastIndex((r) => r.kind === 'group');
          focusIndex(header);
        }
        break;
      case 'Enter':
        if (row.kind === 'contact') onAction({ kind: 'open', email: row.email });
        else toggle(row.key);
        break;
      case 'Delete':
        if (row.kind !== 'contact') return;
        onAction({ kind: 'delete', email: row.email });
        break;
      case 'ContextMenu':
      case 'F10': {
        if (e.key === 'F10' && !e.shiftKey) return;
        const rect = (e.target as HTMLElement).getBoundingClientRect();
        onAction({ kind: 'menu', row, x: rect.left + 24, y: rect.bottom });
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  };

  const props = { onFocusRow: setActiveKey, onAction, onToggle: toggle };
  return (
    <ul className="contact-tree" role="tree" aria-label="Contacts" ref={listRef} onKeyDown={onKeyDown}>
      {rows.map((row, i) =>
        row.kind === 'group' ? (
          <GroupRow key={row.key} row={row} active={i === activeIndex} {...props} />
        ) : (
          <ContactRow key={row.key} row={row} active={i === activeIndex} {...props} />
        ),
      )}
      {rows.length === 0 && <li className="tree-empty">{query === '' ? 'No contacts yet.' : 'No contacts match.'}</li>}
    </ul>
  );
}
