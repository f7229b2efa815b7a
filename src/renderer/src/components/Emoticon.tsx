// Our own drawings for the classic emoticons, 20×20 each. The shortcut stays the accessible name,
// so a copied or read-aloud message keeps what was typed.
import { EMOTICONS, type EmoticonId } from '../lib/emoticons';

const ink = '#3a2500';
const labels = new Map<string, string>(EMOTICONS.map((e) => [e.id, e.label]));

function Face({ fill = 'url(#emo-face)', children }: { fill?: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <>
      <circle cx="10" cy="10" r="8.6" fill={fill} stroke="#9a6a00" strokeWidth="0.9" />
      <ellipse cx="8" cy="5.4" rx="4.2" ry="2.1" fill="#fff" opacity="0.5" />
      {children}
    </>
  );
}

const eyes = (
  <>
    <ellipse cx="7" cy="8" rx="1.05" ry="1.55" fill={ink} />
    <ellipse cx="13" cy="8" rx="1.05" ry="1.55" fill={ink} />
  </>
);
const smile = (
  <path d="M5.8 11.4Q10 15.9 14.2 11.4" stroke={ink} strokeWidth="1.25" fill="none" strokeLinecap="round" />
);
const frown = (
  <path d="M6.2 14.6Q10 10.8 13.8 14.6" stroke={ink} strokeWidth="1.25" fill="none" strokeLinecap="round" />
);

function drawing(id: EmoticonId): React.ReactNode {
  switch (id) {
    case 'smile':
      return (
        <Face>
          {eyes}
          {smile}
        </Face>
      );
    case 'grin':
      return (
        <Face>
          {eyes}
          <path d="M5.2 10.8Q10 11.9 14.8 10.8Q14 16.4 10 16.4T5.2 10.8Z" fill="#7a1d00" />
          <path d="M6 11.3Q10 12.2 14 11.3L13.6 12.7Q10 13.4 6.4 12.7Z" fill="#fff" />
        </Face>
      );
    case 'wink':
      return (
        <Face>
          <path d="M5.6 8.4Q7 6.9 8.4 8.4" stroke={ink} strokeWidth="1.2" fill="none" strokeLinecap="round" />
          <ellipse cx="13" cy="8" rx="1.05" ry="1.55" fill={ink} />
          {smile}
        </Face>
      );
    case 'surprised':
      return (
        <Face>
          <circle cx="7" cy="7.6" r="1.6" fill="#fff" stroke={ink} strokeWidth="0.8" />
          <circle cx="13" cy="7.6" r="1.6" fill="#fff" stroke={ink} strokeWidth="0.8" />
          <circle cx="7" cy="7.8" r="0.7" fill={ink} />
          <circle cx="13" cy="7.8" r="0.7" fill={ink} />
          <ellipse cx="10" cy="13.4" rx="2" ry="2.5" fill="#7a1d00" />
        </Face>
      );
    case 'tongue':
      return (
        <Face>
          {eyes}
          <path d="M6 11.6Q10 14.4 14 11.6" stroke={ink} strokeWidth="1.2" fill="none" strokeLinecap="round" />
          <path d="M8.6 12.9Q8.8 16.4 10.6 16.2T12.4 12.7Z" fill="#ff6f8a" stroke="#b3244a" strokeWidth="0.6" />
        </Face>
      );
    case 'cool':
      return (
        <Face>
          <path d="M3.6 6.8H16.4L15.8 9.8Q13 11 11 9.2H9Q7 11 4.2 9.8Z" fill="#111" />
          <path d="M5 7.5H8" stroke="#7aa" strokeWidth="0.7" />
          {smile}
        </Face>
      );
    case 'angry':
      return (
        <Face fill="url(#emo-angry)">
          <path d="M4.8 5.6L8.6 7.4M15.2 5.6L11.4 7.4" stroke={ink} strokeWidth="1.3" strokeLinecap="round" />
          <ellipse cx="7" cy="9" rx="1" ry="1.2" fill={ink} />
          <ellipse cx="13" cy="9" rx="1" ry="1.2" fill={ink} />
          <path d="M6.5 14.2Q10 11.6 13.5 14.2" stroke={ink} strokeWidth="1.4" fill="none" strokeLinecap="round" />
        </Face>
      );
    case 'confused':
      return (
        <Face>
          {eyes}
          <path d="M5.8 13Q7.9 11.3 10 13T14.2 13" stroke={ink} strokeWidth="1.25" fill="none" strokeLinecap="round" />
        </Face>
      );
    case 'embarrassed':
      return (
        <Face>
          {eyes}
          <ellipse cx="5.2" cy="11.4" rx="1.9" ry="1.2" fill="#ff7b7b" opacity="0.8" />
          <ellipse cx="14.8" cy="11.4" rx="1.9" ry="1.2" fill="#ff7b7b" opacity="0.8" />
          <path d="M8 13.4H12" stroke={ink} strokeWidth="1.2" strokeLinecap="round" />
        </Face>
      );
    case 'sad':
      return (
        <Face>
          {eyes}
          {frown}
        </Face>
      );
    case 'crying':
      return (
        <Face>
          {eyes}
          {frown}
          <path d="M5.8 10Q4.6 12.6 5.8 13.2T6.9 10.6" fill="#4fb3ff" stroke="#1976c8" strokeWidth="0.5" />
          <path d="M14.2 10Q15.4 12.6 14.2 13.2T13.1 10.6" fill="#4fb3ff" stroke="#1976c8" strokeWidth="0.5" />
        </Face>
      );
    case 'disappointed':
      return (
        <Face>
          {eyes}
          <path d="M6.6 13.2H13.4" stroke={ink} strokeWidth="1.25" strokeLinecap="round" />
        </Face>
      );
    case 'angel':
      return (
        <>
          <circle cx="10" cy="11" r="7.8" fill="url(#emo-face)" stroke="#9a6a00" strokeWidth="0.9" />
          <ellipse cx="10" cy="2.6" rx="5.4" ry="1.6" fill="none" stroke="#ffd400" strokeWidth="1.3" />
          <ellipse cx="7" cy="9.6" rx="1" ry="1.4" fill={ink} />
          <ellipse cx="13" cy="9.6" rx="1" ry="1.4" fill={ink} />
          <path d="M6.4 12.6Q10 16.2 13.6 12.6" stroke={ink} strokeWidth="1.2" fill="none" strokeLinecap="round" />
        </>
      );
    case 'devil':
      return (
        <>
          <path d="M3.4 6L2.6 0.8L7 4ZM16.6 6L17.4 0.8L13 4Z" fill="#5e1a8a" />
          <Face fill="url(#emo-devil)">
            <path d="M5 6.4L8.6 8M15 6.4L11.4 8" stroke="#2a0a40" strokeWidth="1.2" strokeLinecap="round" />
            <path d="M5.6 11.2Q10 16 14.4 11.2" stroke="#2a0a40" strokeWidth="1.3" fill="none" strokeLinecap="round" />
          </Face>
        </>
      );
    case 'nerd':
      return (
        <Face>
          <circle cx="6.8" cy="8" r="2.4" fill="#fff" stroke={ink} strokeWidth="0.9" />
          <circle cx="13.2" cy="8" r="2.4" fill="#fff" stroke={ink} strokeWidth="0.9" />
          <path d="M9.2 8H10.8" stroke={ink} strokeWidth="0.9" />
          <circle cx="6.8" cy="8.2" r="0.9" fill={ink} />
          <circle cx="13.2" cy="8.2" r="0.9" fill={ink} />
          <path d="M7 12.6Q10 14.8 13 12.6" stroke={ink} strokeWidth="1.1" fill="none" />
          <rect x="8.6" y="13" width="2.8" height="1.6" fill="#fff" stroke={ink} strokeWidth="0.4" />
        </Face>
      );
    case 'sleepy':
      return (
        <Face>
          <path d="M5.6 8.4H8.4M11.6 8.4H14.4" stroke={ink} strokeWidth="1.2" strokeLinecap="round" />
          <ellipse cx="10" cy="13.4" rx="1.4" ry="1.1" fill="#7a1d00" />
          <path d="M14 1.6H17L14 4.4H17" stroke="#1f6fc9" strokeWidth="0.9" fill="none" />
        </Face>
      );
    case 'thinking':
      return (
        <Face>
          <ellipse cx="7.4" cy="7.2" rx="1" ry="1.4" fill={ink} />
          <ellipse cx="13.4" cy="7.2" rx="1" ry="1.4" fill={ink} />
          <path d="M9 13.4H13.2" stroke={ink} strokeWidth="1.2" strokeLinecap="round" />
          <path d="M4.6 16.6Q3.8 13 6.2 13.2Q7.4 13.6 7 15.6Z" fill="#ffd93a" stroke="#9a6a00" strokeWidth="0.7" />
        </Face>
      );
    case 'eyeroll':
      return (
        <Face>
          <circle cx="7" cy="8" r="1.9" fill="#fff" stroke={ink} strokeWidth="0.7" />
          <circle cx="13" cy="8" r="1.9" fill="#fff" stroke={ink} strokeWidth="0.7" />
          <circle cx="7.6" cy="6.8" r="0.8" fill={ink} />
          <circle cx="13.6" cy="6.8" r="0.8" fill={ink} />
          <path d="M7 13.4Q10 12.6 13 13.4" stroke={ink} strokeWidth="1.2" fill="none" strokeLinecap="round" />
        </Face>
      );
    case 'heart':
      return (
        <path
          d="M10 17.6L3 10.6Q0.6 7.8 2.4 4.8Q5.4 1.4 10 5.4Q14.6 1.4 17.6 4.8Q19.4 7.8 17 10.6Z"
          fill="url(#emo-heart)"
          stroke="#8a0014"
          strokeWidth="0.8"
        />
      );
    case 'brokenheart':
      return (
        <>
          <path
            d="M10 17.6L3 10.6Q0.6 7.8 2.4 4.8Q5.4 1.4 10 5.4Q14.6 1.4 17.6 4.8Q19.4 7.8 17 10.6Z"
            fill="url(#emo-heart)"
            stroke="#8a0014"
            strokeWidth="0.8"
          />
          <path d="M10 5.4L8.4 8.6L11.4 10.6L8.8 13.4L10 17.6" stroke="#fff" strokeWidth="1.3" fill="none" />
        </>
      );
    case 'thumbsup':
    case 'thumbsdown':
      return (
        <g transform={id === 'thumbsdown' ? 'rotate(180 10 10)' : undefined}>
          <rect x="2.4" y="9" width="3.6" height="8.6" rx="0.6" fill="#3d7fd6" stroke="#1b4f91" strokeWidth="0.7" />
          <path
            d="M6 9L9.4 3.2Q11.2 2.4 11.6 4.2L10.8 8.2H15.8Q17.6 8.6 17.2 10.4L15.9 16Q15.5 17.6 14 17.6H6Z"
            fill="#ffd9a8"
            stroke="#a0622d"
            strokeWidth="0.8"
          />
          <path d="M11 11.2H16.4M10.8 14.2H15.8" stroke="#a0622d" strokeWidth="0.6" />
        </g>
      );
    case 'rose':
    case 'wilted': {
      const wilted = id === 'wilted';
      return (
        <>
          <path
            d={wilted ? 'M10 19Q10 12 8 9' : 'M10 19V9'}
            stroke={wilted ? '#6b6b2a' : '#2e8b1e'}
            strokeWidth="1.3"
            fill="none"
          />
          <path d="M10 15Q13 12.4 15 13.4Q13 16 10 15.6Z" fill={wilted ? '#7a7a3a' : '#3aa52a'} />
          <g transform={wilted ? 'rotate(-50 8 7)' : undefined}>
            <circle cx="10" cy="6.4" r="4.8" fill={wilted ? '#7a3b3b' : '#e0122f'} stroke="#6e0010" strokeWidth="0.7" />
            <path d="M7.6 6.4Q10 3.4 12.4 6.4Q10 8.8 8.6 6.8" stroke="#6e0010" strokeWidth="0.7" fill="none" />
          </g>
        </>
      );
    }
    case 'kiss':
      return (
        <>
          <path
            d="M1.6 10Q5 4.8 10 7.2Q15 4.8 18.4 10Q14 15.8 10 15.6Q6 15.8 1.6 10Z"
            fill="#e0122f"
            stroke="#7a0014"
            strokeWidth="0.7"
          />
          <path d="M2.4 10Q10 11.8 17.6 10" stroke="#7a0014" strokeWidth="0.8" fill="none" />
          <ellipse cx="7" cy="8.4" rx="2" ry="0.8" fill="#fff" opacity="0.5" />
        </>
      );
    case 'star':
      return (
        <path
          d="M10 1.4L12.6 7H18.6L13.8 10.8L15.6 17L10 13.4L4.4 17L6.2 10.8L1.4 7H7.4Z"
          fill="#ffd21f"
          stroke="#b07800"
          strokeWidth="0.8"
          strokeLinejoin="round"
        />
      );
    case 'sun':
      return (
        <>
          <g stroke="#f08c00" strokeWidth="1.6" strokeLinecap="round">
            <path d="M10 1V3.4M10 16.6V19M1 10H3.4M16.6 10H19M3.6 3.6L5.3 5.3M14.7 14.7L16.4 16.4M3.6 16.4L5.3 14.7M14.7 5.3L16.4 3.6" />
          </g>
          <circle cx="10" cy="10" r="5.2" fill="url(#emo-face)" stroke="#d07a00" strokeWidth="0.8" />
        </>
      );
    case 'moon':
      return (
        <>
          <path
            d="M12.6 2.2A8 8 0 1 0 17.8 13.6A6.4 6.4 0 0 1 12.6 2.2Z"
            fill="#ffe566"
            stroke="#b08800"
            strokeWidth="0.8"
          />
          <path d="M6.4 10.4Q7.6 11.6 8.8 10.4" stroke={ink} strokeWidth="0.9" fill="none" />
          <path d="M14.6 1.4H17.4L14.6 4.4H17.4" stroke="#1f6fc9" strokeWidth="0.9" fill="none" />
        </>
      );
    case 'note':
      return (
        <>
          <path d="M7.4 15V3.6L16 1.8V13" stroke="#1b3f73" strokeWidth="1.4" fill="none" />
          <path d="M7.4 3.6L16 1.8V4.6L7.4 6.4Z" fill="#1b3f73" />
          <ellipse cx="5.4" cy="15.4" rx="2.6" ry="2" fill="#1f6fc9" stroke="#1b3f73" strokeWidth="0.7" />
          <ellipse cx="14" cy="13.4" rx="2.6" ry="2" fill="#1f6fc9" stroke="#1b3f73" strokeWidth="0.7" />
        </>
      );
    case 'coffee':
      return (
        <>
          <path
            d="M7 1.8Q5.8 3.4 7 4.6T7 7.2M10.4 1.4Q9.2 3 10.4 4.2T10.4 6.8"
            stroke="#9aa"
            strokeWidth="0.9"
            fill="none"
          />
          <path d="M3 8H14.6V13.6Q14.6 17.4 8.8 17.4T3 13.6Z" fill="#fff" stroke="#6b4a2a" strokeWidth="0.9" />
          <path d="M14.6 9.4Q18 9.2 17.6 12Q17.2 14.4 14.2 14" stroke="#6b4a2a" strokeWidth="1.1" fill="none" />
          <ellipse cx="8.8" cy="8.6" rx="5.2" ry="1.2" fill="#6b3b12" />
          <path d="M1.8 17.8H16" stroke="#6b4a2a" strokeWidth="1" />
        </>
      );
    case 'beer':
      return (
        <>
          <path
            d="M3.6 5.6H13.4V17.6Q13.4 18.6 12.4 18.6H4.6Q3.6 18.6 3.6 17.6Z"
            fill="#f5b324"
            stroke="#8a5a00"
            strokeWidth="0.8"
          />
          <path
            d="M13.4 8H16Q17.6 8 17.6 9.6V13Q17.6 14.6 16 14.6H13.4"
            stroke="#8a5a00"
            strokeWidth="1.1"
            fill="none"
          />
          <path
            d="M3 6.2Q2.6 2.6 5.6 3.2Q7 1.2 9.4 2.6Q12.4 1.6 13.6 4.4Q14.4 6.8 12 6.8H4.2Z"
            fill="#fff"
            stroke="#bbb"
            strokeWidth="0.6"
          />
          <path d="M6.4 9V16M10.4 9V16" stroke="#ffd774" strokeWidth="1" />
        </>
      );
    case 'cake':
      return (
        <>
          <path d="M10 1.4Q11.4 3.2 10 4.4Q8.6 3.2 10 1.4Z" fill="#ff9a1a" />
          <rect x="9.4" y="4.4" width="1.2" height="4" fill="#4a9fe8" />
          <path d="M3 10.6Q3 8.4 5 8.4H15Q17 8.4 17 10.6V17.4H3Z" fill="#ffe4c8" stroke="#a0622d" strokeWidth="0.8" />
          <path d="M3 11.4Q5 13.2 7 11.4T10 11.4T13 11.4T17 11.4" stroke="#ff6fa0" strokeWidth="1.4" fill="none" />
          <path d="M1.8 17.8H18.2" stroke="#a0622d" strokeWidth="1.2" />
        </>
      );
    case 'gift':
      return (
        <>
          <rect x="2.6" y="7.6" width="14.8" height="10" fill="#e0122f" stroke="#7a0014" strokeWidth="0.8" />
          <rect x="1.8" y="5.4" width="16.4" height="3.2" fill="#f0304a" stroke="#7a0014" strokeWidth="0.8" />
          <path d="M10 5.4V17.6" stroke="#ffd21f" strokeWidth="2.2" />
          <path
            d="M10 5.2Q5 0.6 4.6 3.6Q4.8 5.4 10 5.2Q15 0.6 15.4 3.6Q15.2 5.4 10 5.2Z"
            fill="#ffd21f"
            stroke="#b07800"
            strokeWidth="0.7"
          />
        </>
      );
    case 'bulb':
      return (
        <>
          <path
            d="M10 1.4A5.8 5.8 0 0 1 13.4 12Q12.6 12.8 12.6 14H7.4Q7.4 12.8 6.6 12A5.8 5.8 0 0 1 10 1.4Z"
            fill="#fff36a"
            stroke="#b08800"
            strokeWidth="0.8"
          />
          <rect x="7.4" y="14" width="5.2" height="3.2" rx="0.6" fill="#9aa4b0" stroke="#55606c" strokeWidth="0.6" />
          <path d="M8.6 18.4H11.4" stroke="#55606c" strokeWidth="1" />
          <ellipse cx="8.4" cy="5.4" rx="1.6" ry="2.2" fill="#fff" opacity="0.7" />
        </>
      );
    case 'phone':
      return (
        <path
          d="M4 2.4L7 1.6L9 6L7.2 7.6Q8.4 11 12.2 12.8L13.8 11L18.2 13L17.6 16.2Q15 18.8 10.4 16.4Q4.6 13.2 2.8 7.8Q2 4.6 4 2.4Z"
          fill="#3d3d48"
          stroke="#111"
          strokeWidth="0.7"
        />
      );
    case 'mail':
      return (
        <>
          <rect x="1.6" y="4.4" width="16.8" height="11.6" rx="1" fill="#fff" stroke="#4a6b93" strokeWidth="0.9" />
          <path d="M2 5L10 11.4L18 5" stroke="#4a6b93" strokeWidth="0.9" fill="none" />
          <path d="M2 15.6L7.6 9.6M18 15.6L12.4 9.6" stroke="#4a6b93" strokeWidth="0.7" />
        </>
      );
    case 'clock':
      return (
        <>
          <circle cx="10" cy="10" r="8.2" fill="#fff" stroke="#2f6db0" strokeWidth="1.4" />
          <path d="M10 4.6V10L13.6 12" stroke="#1b3f73" strokeWidth="1.3" fill="none" strokeLinecap="round" />
          <path d="M10 2.6V3.6M10 16.4V17.4M2.6 10H3.6M16.4 10H17.4" stroke="#1b3f73" strokeWidth="1" />
        </>
      );
  }
}

export function Emoticon({ id, shortcut }: { id: EmoticonId; shortcut: string }): React.JSX.Element {
  return (
    <svg className="emoticon" viewBox="0 0 20 20" role="img" aria-label={shortcut} data-emoticon={id}>
      <title>{`${labels.get(id) ?? id} ${shortcut}`}</title>
      {drawing(id)}
    </svg>
  );
}
