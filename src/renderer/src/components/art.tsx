// Our own artwork, drawn as SVG: status bubbles, the display-picture placeholder, the logo and the
// toolbar glyphs. Gradients live once in <SvgDefs/> (mounted at the root) so every icon shares them.
import { pictureUrl } from '../../../shared/pictures';
import type { Status } from '../../../shared/schemas';
import { STATUS_LABELS, statusTone, type StatusTone } from '../../../shared/status';

const toneStops: Record<StatusTone, [string, string, string]> = {
  online: ['#c9f7a5', '#4cc425', '#237a0e'],
  busy: ['#ffc0b0', '#e8391c', '#8c1405'],
  away: ['#ffe2a3', '#f5a01a', '#9a5a04'],
  offline: ['#f0f0f0', '#b4b9c0', '#6c727a'],
};

export function SvgDefs(): React.JSX.Element {
  return (
    <svg className="svg-defs" aria-hidden="true" focusable="false">
      <defs>
        {Object.entries(toneStops).map(([tone, [light, mid, dark]]) => (
          <radialGradient key={tone} id={`tone-${tone}`} cx="35%" cy="30%" r="75%">
            <stop offset="0" stopColor={light} />
            <stop offset="0.55" stopColor={mid} />
            <stop offset="1" stopColor={dark} />
          </radialGradient>
        ))}
        <radialGradient id="emo-face" cx="38%" cy="32%" r="72%">
          <stop offset="0" stopColor="#fffbd0" />
          <stop offset="0.5" stopColor="#ffd93a" />
          <stop offset="1" stopColor="#e59a00" />
        </radialGradient>
        <radialGradient id="emo-angry" cx="38%" cy="32%" r="72%">
          <stop offset="0" stopColor="#ffd0b8" />
          <stop offset="0.5" stopColor="#ff7043" />
          <stop offset="1" stopColor="#c62808" />
        </radialGradient>
        <radialGradient id="emo-devil" cx="38%" cy="32%" r="72%">
          <stop offset="0" stopColor="#f0c8ff" />
          <stop offset="0.5" stopColor="#a855d8" />
          <stop offset="1" stopColor="#5e1a8a" />
        </radialGradient>
        <linearGradient id="emo-heart" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#ff8a9a" />
          <stop offset="1" stopColor="#c8001e" />
        </linearGradient>
        <linearGradient id="dp-sky" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#e8f4ff" />
          <stop offset="1" stopColor="#a9cdf0" />
        </linearGradient>
        <linearGradient id="dp-person" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#7fb2e5" />
          <stop offset="1" stopColor="#2f6db0" />
        </linearGradient>
        <linearGradient id="logo-blue" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#8fd0ff" />
          <stop offset="1" stopColor="#1f6fc9" />
        </linearGradient>
        <linearGradient id="logo-green" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#b7f08a" />
          <stop offset="1" stopColor="#3a9a18" />
        </linearGradient>
      </defs>
    </svg>
  );
}

/** The round status "bubble" shown beside every contact, with a badge for away and busy. */
export function StatusIcon({ status, blocked = false }: { status: Status; blocked?: boolean }): React.JSX.Element {
  const tone = statusTone(status);
  const label = blocked ? `${STATUS_LABELS[status]}, blocked` : STATUS_LABELS[status];
  return (
    <svg className={`status-icon tone-${tone}`} viewBox="0 0 16 16" role="img" aria-label={label}>
      <circle cx="8" cy="8" r="6.4" fill={`url(#tone-${tone})`} stroke="#00000033" strokeWidth="0.8" />
      <ellipse cx="6.6" cy="5.2" rx="3.2" ry="1.9" fill="#ffffff" opacity="0.55" />
      {tone === 'away' && (
        <path d="M8 4.8V8.2L10.2 9.6" stroke="#fff" strokeWidth="1.4" fill="none" strokeLinecap="round" />
      )}
      {tone === 'busy' && <rect x="4.6" y="7.1" width="6.8" height="1.9" rx="0.9" fill="#fff" />}
      {blocked && (
        <g>
          <circle cx="11.5" cy="11.5" r="3.8" fill="#fff" stroke="#d11" strokeWidth="1.4" />
          <path d="M9 14L14 9" stroke="#d11" strokeWidth="1.4" />
        </g>
      )}
    </svg>
  );
}

/** The display-picture placeholder: a soft silhouette in a frame that takes the status colour. */
export function DisplayPicture({
  status,
  size,
  pictureId,
  label,
}: {
  status: Status;
  size: 'large' | 'small';
  /** The picture in main's verified cache; the drawn placeholder without one. */
  pictureId?: string | undefined;
  label?: string;
}): React.JSX.Element {
  return (
    <div className={`display-picture dp-${size} tone-${statusTone(status)}`}>
      {pictureId ? (
        <img src={pictureUrl(pictureId)} alt={label ?? ''} draggable={false} />
      ) : (
        <svg viewBox="0 0 48 48" aria-hidden="true">
          <rect width="48" height="48" rx="5" fill="url(#dp-sky)" />
          <circle cx="24" cy="18" r="9" fill="url(#dp-person)" />
          <path d="M7 48C8 36 15 30 24 30S40 36 41 48Z" fill="url(#dp-person)" />
          <ellipse cx="21" cy="14" rx="4" ry="2.4" fill="#fff" opacity="0.45" />
        </svg>
      )}
    </div>
  );
}

/** Our own mark: two overlapping speech bubbles. */
export function Logo({ size = 64 }: { size?: number }): React.JSX.Element {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <path
        d="M6 12C6 7 10 4 15 4H37C42 4 46 7 46 12V28C46 33 42 36 37 36H22L12 44L14 36C9 36 6 33 6 28Z"
        fill="url(#logo-green)"
        stroke="#2d7a10"
        strokeWidth="1.5"
      />
      <path
        d="M20 26C20 21 24 18 29 18H51C56 18 59 21 59 26V42C59 47 56 50 51 50H49L51 59L40 50H29C24 50 20 47 20 42Z"
        fill="url(#logo-blue)"
        stroke="#17569e"
        strokeWidth="1.5"
      />
      <circle cx="33" cy="34" r="2.6" fill="#fff" />
      <circle cx="40" cy="34" r="2.6" fill="#fff" />
      <circle cx="47" cy="34" r="2.6" fill="#fff" />
      <ellipse cx="26" cy="10" rx="14" ry="3.5" fill="#fff" opacity="0.35" />
    </svg>
  );
}

type GlyphName =
  | 'invite'
  | 'block'
  | 'nudge'
  | 'emoticon'
  | 'font'
  | 'add-contact'
  | 'search'
  | 'chevron'
  | 'options'
  | 'mail'
  | 'send-files';

/** Small toolbar glyphs. */
export function Glyph({ name }: { name: GlyphName }): React.JSX.Element {
  return (
    <svg className={`glyph glyph-${name}`} viewBox="0 0 24 24" aria-hidden="true">
      {name === 'send-files' && (
        <>
          <path d="M4 3H13L18 8V21H4Z" fill="#fff" stroke="#5a6b80" />
          <path d="M13 3V8H18" fill="#dde8f5" stroke="#5a6b80" />
          <path
            d="M15 16H22M19 12.5L22.5 16L19 19.5"
            stroke="#2d7a10"
            strokeWidth="2.2"
            fill="none"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
          <path d="M7 11H12M7 14H11M7 17H10" stroke="#8aa0b8" />
        </>
      )}
      {name === 'invite' && (
        <>
          <circle cx="9" cy="8" r="4" fill="url(#logo-green)" stroke="#2d7a10" />
          <path d="M2 21C2 15 5 13 9 13S16 15 16 21Z" fill="url(#logo-green)" stroke="#2d7a10" />
          <path d="M18 8V16M14 12H22" stroke="#1f6fc9" strokeWidth="2.6" strokeLinecap="round" />
        </>
      )}
      {name === 'add-contact' && (
        <>
          <circle cx="9" cy="8" r="4" fill="url(#logo-blue)" stroke="#17569e" />
          <path d="M2 21C2 15 5 13 9 13S16 15 16 21Z" fill="url(#logo-blue)" stroke="#17569e" />
          <path d="M18 8V16M14 12H22" stroke="#3a9a18" strokeWidth="2.6" strokeLinecap="round" />
        </>
      )}
      {name === 'block' && (
        <>
          <circle cx="12" cy="12" r="8.5" fill="#fff" stroke="#d11" strokeWidth="2.6" />
          <path d="M6 18L18 6" stroke="#d11" strokeWidth="2.6" />
        </>
      )}
      {name === 'nudge' && (
        <>
          <circle cx="12" cy="12" r="7" fill="url(#emo-face)" stroke="#9a6a00" />
          <path d="M9 10h.01M15 10h.01" stroke="#3a2500" strokeWidth="2" strokeLinecap="round" />
          <path d="M9 15Q12 13 15 15" stroke="#3a2500" fill="none" strokeWidth="1.2" />
          <path d="M2 8L4 12L2 16M22 8L20 12L22 16" stroke="#1f6fc9" strokeWidth="1.6" fill="none" />
        </>
      )}
      {name === 'emoticon' && (
        <>
          <circle cx="12" cy="12" r="8.5" fill="url(#emo-face)" stroke="#9a6a00" />
          <path d="M9 10h.01M15 10h.01" stroke="#3a2500" strokeWidth="2.2" strokeLinecap="round" />
          <path d="M7.5 13.5Q12 18.5 16.5 13.5" stroke="#3a2500" fill="none" strokeWidth="1.4" />
        </>
      )}
      {name === 'font' && (
        <>
          <path d="M4 19L10 4H12L18 19M6.5 13H15.5" stroke="#1b3f73" strokeWidth="2.2" fill="none" />
          <rect x="3" y="20" width="18" height="2.5" fill="#d11" />
        </>
      )}
      {name === 'search' && (
        <>
          <circle cx="10" cy="10" r="5.5" fill="#fff" stroke="#4a6b93" strokeWidth="2" />
          <path d="M14 14L20 20" stroke="#4a6b93" strokeWidth="3" strokeLinecap="round" />
        </>
      )}
      {name === 'chevron' && <path d="M7 9L12 14L17 9" stroke="currentColor" strokeWidth="2.4" fill="none" />}
      {name === 'options' && (
        <>
          <circle cx="12" cy="12" r="6" fill="none" stroke="#4a6b93" strokeWidth="4" strokeDasharray="3 2.3" />
          <circle cx="12" cy="12" r="3.2" fill="#fff" stroke="#4a6b93" strokeWidth="1.5" />
        </>
      )}
      {name === 'mail' && (
        <>
          <rect x="3" y="6" width="18" height="13" rx="1.5" fill="#fff" stroke="#4a6b93" strokeWidth="1.5" />
          <path d="M3.5 7L12 13.5L20.5 7" stroke="#4a6b93" strokeWidth="1.5" fill="none" />
        </>
      )}
    </svg>
  );
}
