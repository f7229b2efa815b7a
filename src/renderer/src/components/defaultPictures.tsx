// Our own default display pictures, drawn here as self-contained SVG (each carries its own
// gradients, so it renders the same inside a page and serialised into a canvas). Choosing one
// turns it into a 96×96 PNG like any picture the user picks.

export interface DefaultPicture {
  readonly id: string;
  readonly name: string;
  readonly svg: React.JSX.Element;
}

const size = { xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 96 96', width: 96, height: 96 } as const;

function Duck(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-duck-water" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#bfe6ff" />
          <stop offset="1" stopColor="#3a8fd6" />
        </linearGradient>
        <radialGradient id="pic-duck-body" cx="0.4" cy="0.35" r="0.7">
          <stop offset="0" stopColor="#fff7a8" />
          <stop offset="1" stopColor="#f2c200" />
        </radialGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-duck-water)" />
      <path d="M0 74C16 68 32 80 48 74S80 68 96 74V96H0Z" fill="#2a78bf" opacity="0.6" />
      <ellipse cx="50" cy="64" rx="30" ry="16" fill="url(#pic-duck-body)" stroke="#c99a00" strokeWidth="1.5" />
      <circle cx="36" cy="38" r="15" fill="url(#pic-duck-body)" stroke="#c99a00" strokeWidth="1.5" />
      <path d="M20 40C14 40 10 43 8 45C13 47 18 47 22 45Z" fill="#ff8a1f" stroke="#d86400" strokeWidth="1" />
      <circle cx="32" cy="34" r="2.6" fill="#222" />
      <circle cx="31.2" cy="33.2" r="0.9" fill="#fff" />
      <path d="M48 60C58 56 68 58 74 64C66 66 56 66 48 60Z" fill="#f7d21c" stroke="#c99a00" strokeWidth="1" />
    </svg>
  );
}

function Ball(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-ball-grass" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#9be36a" />
          <stop offset="1" stopColor="#2f8a1c" />
        </linearGradient>
        <radialGradient id="pic-ball-shine" cx="0.35" cy="0.3" r="0.75">
          <stop offset="0" stopColor="#ffffff" />
          <stop offset="1" stopColor="#c9ced6" />
        </radialGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-ball-grass)" />
      <ellipse cx="50" cy="84" rx="28" ry="6" fill="#1d5c10" opacity="0.45" />
      <circle cx="48" cy="48" r="32" fill="url(#pic-ball-shine)" stroke="#555" strokeWidth="1.5" />
      <path d="M48 34L61 43L56 58H40L35 43Z" fill="#2b2b2b" />
      <path d="M48 34V17M61 43L77 38M56 58L66 72M40 58L30 72M35 43L19 38" stroke="#2b2b2b" strokeWidth="2" />
      <path
        d="M40 17L48 16L56 18L52 24H44Z M78 46L80 54L76 62L72 55L74 47Z M20 46L16 54L20 62L24 55L22 47Z"
        fill="#2b2b2b"
      />
    </svg>
  );
}

function Flower(): React.JSX.Element {
  const petals = [0, 45, 90, 135, 180, 225, 270, 315];
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-flower-sky" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#ffe3f1" />
          <stop offset="1" stopColor="#f7a6cf" />
        </linearGradient>
        <radialGradient id="pic-flower-petal" cx="0.5" cy="0.8" r="0.9">
          <stop offset="0" stopColor="#ffffff" />
          <stop offset="1" stopColor="#ff5fa2" />
        </radialGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-flower-sky)" />
      <path d="M48 56C46 70 50 84 44 96" stroke="#3f9b2a" strokeWidth="4" fill="none" />
      <path d="M47 76C36 70 28 72 24 78C32 82 40 82 47 76Z" fill="#53b83a" />
      {petals.map((angle) => (
        <ellipse
          key={angle}
          cx="48"
          cy="24"
          rx="9"
          ry="16"
          fill="url(#pic-flower-petal)"
          stroke="#e0488a"
          strokeWidth="1"
          transform={`rotate(${angle} 48 40)`}
        />
      ))}
      <circle cx="48" cy="40" r="9" fill="#ffd23a" stroke="#e29a00" strokeWidth="1.5" />
    </svg>
  );
}

function Cat(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-cat-back" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#fff1d6" />
          <stop offset="1" stopColor="#f3b96b" />
        </linearGradient>
        <linearGradient id="pic-cat-fur" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#9a9aa6" />
          <stop offset="1" stopColor="#5d5d6b" />
        </linearGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-cat-back)" />
      <path d="M22 30L26 8L42 24Z M74 30L70 8L54 24Z" fill="url(#pic-cat-fur)" stroke="#44444f" strokeWidth="1.5" />
      <path d="M27 24L29 14L37 22Z M69 24L67 14L59 22Z" fill="#f6a5b8" />
      <ellipse cx="48" cy="50" rx="30" ry="27" fill="url(#pic-cat-fur)" stroke="#44444f" strokeWidth="1.5" />
      <ellipse cx="37" cy="46" rx="6" ry="7" fill="#b7f06a" />
      <ellipse cx="59" cy="46" rx="6" ry="7" fill="#b7f06a" />
      <ellipse cx="37" cy="46" rx="2" ry="6" fill="#222" />
      <ellipse cx="59" cy="46" rx="2" ry="6" fill="#222" />
      <path d="M44 57H52L48 61Z" fill="#f6a5b8" />
      <path
        d="M48 61V65M48 65C45 68 42 68 40 66M48 65C51 68 54 68 56 66"
        stroke="#33333d"
        strokeWidth="1.5"
        fill="none"
      />
      <path d="M30 60L12 58M30 64L13 67M66 60L84 58M66 64L83 67" stroke="#eee" strokeWidth="1.2" />
    </svg>
  );
}

function Guitar(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-guitar-back" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#5b3bb8" />
          <stop offset="1" stopColor="#1b1150" />
        </linearGradient>
        <radialGradient id="pic-guitar-body" cx="0.4" cy="0.4" r="0.7">
          <stop offset="0" stopColor="#ffc36b" />
          <stop offset="1" stopColor="#c1541b" />
        </radialGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-guitar-back)" />
      <circle cx="14" cy="18" r="1.5" fill="#fff" />
      <circle cx="80" cy="12" r="1" fill="#fff" />
      <circle cx="86" cy="70" r="1.5" fill="#fff" />
      <rect x="52" y="8" width="8" height="46" rx="2" fill="#5a3214" transform="rotate(35 56 31)" />
      <rect x="66" y="2" width="12" height="14" rx="3" fill="#3a200c" transform="rotate(35 72 9)" />
      <path
        d="M38 44C46 40 56 46 54 56C60 60 60 74 50 80C40 88 22 84 16 74C10 64 16 54 24 54C24 48 30 46 38 44Z"
        fill="url(#pic-guitar-body)"
        stroke="#7a300c"
        strokeWidth="1.5"
      />
      <circle cx="36" cy="64" r="6" fill="#2a1606" />
      <path d="M28 72L62 24" stroke="#f3f3f3" strokeWidth="0.8" />
      <path d="M30 74L64 26" stroke="#f3f3f3" strokeWidth="0.8" />
    </svg>
  );
}

function Sunset(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-sunset-sky" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#ff7a45" />
          <stop offset="0.6" stopColor="#ffd26a" />
          <stop offset="1" stopColor="#ffe9b0" />
        </linearGradient>
        <linearGradient id="pic-sunset-sea" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#2a8fc0" />
          <stop offset="1" stopColor="#0e3f6e" />
        </linearGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-sunset-sky)" />
      <circle cx="48" cy="60" r="20" fill="#fff3c4" opacity="0.95" />
      <rect y="60" width="96" height="36" fill="url(#pic-sunset-sea)" />
      <path d="M30 66H66M36 72H60M42 78H54" stroke="#ffe9a8" strokeWidth="2" strokeLinecap="round" />
      <path d="M70 60C72 44 78 36 86 30C82 40 82 50 84 60Z" fill="#1f5a2a" />
      <path d="M78 60V40" stroke="#6b4420" strokeWidth="2.5" />
      <path d="M18 24C22 21 26 24 30 21M60 16C64 13 68 16 72 13" stroke="#6a3b1e" strokeWidth="1.5" fill="none" />
    </svg>
  );
}

function Rook(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-rook-board" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#e8d2a6" />
          <stop offset="1" stopColor="#b58552" />
        </linearGradient>
        <linearGradient id="pic-rook-piece" x1="0" y1="0" x2="1" y2="0">
          <stop offset="0" stopColor="#5a5a66" />
          <stop offset="0.4" stopColor="#9b9ba8" />
          <stop offset="1" stopColor="#34343c" />
        </linearGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-rook-board)" />
      <path
        d="M0 0H24V24H0ZM48 0H72V24H48ZM24 24H48V48H24ZM72 24H96V48H72ZM0 48H24V72H0ZM48 48H72V72H48ZM24 72H48V96H24ZM72 72H96V96H72Z"
        fill="#8a5a2e"
        opacity="0.55"
      />
      <path
        d="M30 18H38V26H44V18H52V26H58V18H66V34L60 40V64L68 72V82H28V72L36 64V40L30 34Z"
        fill="url(#pic-rook-piece)"
        stroke="#22222a"
        strokeWidth="1.5"
      />
      <path d="M36 40H60M36 64H60" stroke="#22222a" strokeWidth="1.5" />
    </svg>
  );
}

function Butterfly(): React.JSX.Element {
  return (
    <svg {...size}>
      <defs>
        <linearGradient id="pic-butterfly-sky" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#d8f6ff" />
          <stop offset="1" stopColor="#9fdcf2" />
        </linearGradient>
        <radialGradient id="pic-butterfly-wing" cx="0.5" cy="0.5" r="0.6">
          <stop offset="0" stopColor="#ffe36b" />
          <stop offset="0.6" stopColor="#ff8f1f" />
          <stop offset="1" stopColor="#7a2a00" />
        </radialGradient>
      </defs>
      <rect width="96" height="96" fill="url(#pic-butterfly-sky)" />
      <path
        d="M46 44C34 20 10 18 12 34C14 46 30 50 46 48Z"
        fill="url(#pic-butterfly-wing)"
        stroke="#4a1a00"
        strokeWidth="1.5"
      />
      <path
        d="M50 44C62 20 86 18 84 34C82 46 66 50 50 48Z"
        fill="url(#pic-butterfly-wing)"
        stroke="#4a1a00"
        strokeWidth="1.5"
      />
      <path
        d="M46 50C32 52 22 64 28 72C34 78 42 66 47 54Z"
        fill="url(#pic-butterfly-wing)"
        stroke="#4a1a00"
        strokeWidth="1.5"
      />
      <path
        d="M50 50C64 52 74 64 68 72C62 78 54 66 49 54Z"
        fill="url(#pic-butterfly-wing)"
        stroke="#4a1a00"
        strokeWidth="1.5"
      />
      <ellipse cx="48" cy="50" rx="3" ry="16" fill="#3a1a06" />
      <path d="M47 35C44 28 40 24 36 22M49 35C52 28 56 24 60 22" stroke="#3a1a06" strokeWidth="1.5" fill="none" />
      <circle cx="24" cy="32" r="3" fill="#fff" opacity="0.8" />
      <circle cx="72" cy="32" r="3" fill="#fff" opacity="0.8" />
    </svg>
  );
}

export const DEFAULT_PICTURES: readonly DefaultPicture[] = [
  { id: 'duck', name: 'Rubber duck', svg: <Duck /> },
  { id: 'ball', name: 'Football', svg: <Ball /> },
  { id: 'flower', name: 'Flower', svg: <Flower /> },
  { id: 'cat', name: 'Cat', svg: <Cat /> },
  { id: 'guitar', name: 'Guitar', svg: <Guitar /> },
  { id: 'sunset', name: 'Sunset', svg: <Sunset /> },
  { id: 'rook', name: 'Chess', svg: <Rook /> },
  { id: 'butterfly', name: 'Butterfly', svg: <Butterfly /> },
];
