// Classic window furniture: modal dialogs and pop-up menus (with one level of submenus), both
// usable from the keyboard.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';

export function Dialog({
  title,
  onClose,
  children,
  className = '',
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  className?: string;
}): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.dialog-close)');
    first?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className={`dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="dialog-title">
          <span>{title}</span>
          <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}

export type MenuItem =
  | {
      kind?: 'item';
      label: string;
      onSelect: () => void;
      disabled?: boolean;
      checked?: boolean;
      /** Drawn in the margin in place of the check mark (the status menu's bubbles). */
      icon?: React.ReactNode;
    }
  | { kind: 'submenu'; label: string; items: MenuItem[]; disabled?: boolean }
  | { kind: 'separator' };

type Actionable = Exclude<MenuItem, { kind: 'separator' }>;

function isActionable(item: MenuItem): item is Actionable {
  return item.kind !== 'separator' && !item.disabled;
}

export function Menu({
  items,
  x,
  y,
  onClose,
  onBack,
  label,
}: {
  items: MenuItem[];
  x: number;
  y: number;
  /** Closes the whole menu (a choice was made, or the user clicked away). */
  onClose: () => void;
  /** Set on submenus: returns to the parent menu. */
  onBack?: () => void;
  label: string;
}): React.JSX.Element {
  const ref = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(() => items.findIndex(isActionable));
  const [open, setOpen] = useState<{ index: number; x: number; y: number } | null>(null);
  const [position, setPosition] = useState({ left: x, top: y });

  // Keep the menu inside the window, as a native menu would.
  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(0, Math.min(x, window.innerWidth - width - 2)),
      top: Math.max(0, Math.min(y, window.innerHeight - height - 2)),
    });
  }, [x, y]);

  useEffect(() => ref.current?.focus(), []);

  useEffect(() => {
    // Only the top-level menu listens for clicks elsewhere; its layer contains every submenu.
    if (onBack) return;
    const outside = (e: MouseEvent): void => {
      if (!ref.current?.parentElement?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', outside);
    window.addEventListener('blur', onClose);
    return () => {
      document.removeEventListener('mousedown', outside);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose, onBack]);

  const move = (step: number): void => {
    if (!items.some(isActionable)) return;
    let next = active;
    do next = (next + step + items.length) % items.length;
    while (!isActionable(items[next] as MenuItem));
    setActive(next);
  };

  const openSubmenu = (index: number): void => {
    const rect = ref.current?.querySelectorAll('li')[index]?.getBoundingClientRect();
    if (rect) setOpen({ index, x: rect.right - 2, y: rect.top - 3 });
  };

  const activate = (index: number): void => {
    const item = items[index];
    if (!item || !isActionable(item)) return;
    if (item.kind === 'submenu') {
      openSubmenu(index);
      return;
    }
    onClose();
    item.onSelect();
  };

  const openItem = open === null ? undefined : items[open.index];

  return (
    <div className="menu-layer">
      <ul
        ref={ref}
        className="menu"
        role="menu"
        aria-label={label}
        tabIndex={-1}
        style={position}
        onKeyDown={(e) => {
          if (open !== null) return;
          if (e.key === 'ArrowDown') move(1);
          else if (e.key === 'ArrowUp') move(-1);
          else if (e.key === 'Enter' || e.key === ' ' || e.key === 'ArrowRight') activate(active);
          else if (onBack && (e.key === 'ArrowLeft' || e.key === 'Escape')) onBack();
          else if (e.key === 'Escape' || e.key === 'Tab') onClose();
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      >
        {items.map((item, i) =>
          item.kind === 'separator' ? (
            <li key={i} role="separator" className="menu-separator" />
          ) : (
            <li
              key={i}
              role="menuitem"
              aria-disabled={item.disabled || undefined}
              aria-haspopup={item.kind === 'submenu' || undefined}
              aria-checked={item.kind !== 'submenu' && item.checked !== undefined ? item.checked : undefined}
              className={`menu-item${i === active ? ' active' : ''}${item.kind === 'submenu' ? ' has-submenu' : ''}${
                item.kind !== 'submenu' && item.checked ? ' checked' : ''
              }`}
              onMouseEnter={() => {
                setActive(i);
                if (item.kind === 'submenu' && !item.disabled) openSubmenu(i);
                else setOpen(null);
              }}
              onClick={() => activate(i)}
            >
              <span className="menu-check">{item.kind !== 'submenu' && (item.icon ?? (item.checked ? '•' : ''))}</span>
              {item.label}
            </li>
          ),
        )}
      </ul>
      {open && openItem?.kind === 'submenu' && (
        <Menu
          items={openItem.items}
          x={open.x}
          y={open.y}
          label={openItem.label}
          onClose={onClose}
          onBack={() => {
            setOpen(null);
            ref.current?.focus();
          }}
        />
      )}
    </div>
  );
}
