// File → Change Display Picture…: one of our own pictures, or any image the user picks, cropped
// to a square they can move and resize, then scaled to 96×96 PNG here before main sees it.
import { useMemo, useRef, useState } from 'react';
import { DEFAULT_PICTURES } from '../components/defaultPictures';
import { Dialog } from '../components/ui';
import { call, errorText } from '../lib/api';
import {
  adjustCrop,
  centredCrop,
  loadImage,
  readAsDataUrl,
  renderPicture,
  svgDataUrl,
  type Crop,
} from '../lib/picture';

/** A photo straight off a camera is fine; anything far larger is not a picture anyone meant. */
const MAX_SOURCE_BYTES = 30 * 1024 * 1024;
/** The crop editor's box, in CSS pixels. */
const EDITOR_SIDE = 200;

interface Source {
  readonly image: HTMLImageElement;
  readonly crop: Crop;
}

function CropEditor({ source, onChange }: { source: Source; onChange: (crop: Crop) => void }): React.JSX.Element {
  const { image, crop } = source;
  const scale = EDITOR_SIDE / Math.max(image.naturalWidth, image.naturalHeight);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const move = (dx: number, dy: number, side?: number): void =>
    onChange(adjustCrop(crop, image.naturalWidth, image.naturalHeight, dx, dy, side));
  const minSide = Math.min(16, image.naturalWidth, image.naturalHeight);
  const maxSide = Math.min(image.naturalWidth, image.naturalHeight);
  return (
    <div className="crop-editor">
      <div
        className="crop-stage"
        style={{ width: image.naturalWidth * scale, height: image.naturalHeight * scale }}
        onPointerMove={(e) => {
          if (!drag.current) return;
          move((e.clientX - drag.current.x) / scale, (e.clientY - drag.current.y) / scale);
          drag.current = { x: e.clientX, y: e.clientY };
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerLeave={() => (drag.current = null)}
      >
        <img src={image.src} alt="" draggable={false} />
        <div
          className="crop-square"
          role="slider"
          tabIndex={0}
          aria-label="Part of the picture to show (arrow keys move it)"
          aria-valuenow={crop.side}
          style={{ left: crop.x * scale, top: crop.y * scale, width: crop.side * scale, height: crop.side * scale }}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture?.(e.pointerId);
            drag.current = { x: e.clientX, y: e.clientY };
          }}
          onKeyDown={(e) => {
            const step = Math.max(1, Math.round(4 / scale));
            const moves: Record<string, [number, number]> = {
              ArrowLeft: [-step, 0],
              ArrowRight: [step, 0],
              ArrowUp: [0, -step],
              ArrowDown: [0, step],
            };
            const delta = moves[e.key];
            if (delta) {
              e.preventDefault();
              move(...delta);
            }
          }}
        />
      </div>
      <label className="crop-size">
        Size
        <input
          type="range"
          min={minSide}
          max={maxSide}
          value={crop.side}
          onChange={(e) => move(0, 0, Number(e.target.value))}
        />
      </label>
    </div>
  );
}

export function PictureDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const [source, setSource] = useState<Source | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const gallery = useRef<HTMLDivElement>(null);

  // The 96×96 PNG as it will be sent, redrawn whenever the selection moves.
  const drawn = useMemo((): { png: string | null; error: string | null } => {
    if (!source) return { png: null, error: null };
    try {
      return { png: renderPicture(source.image, source.crop), error: null };
    } catch (e) {
      return { png: null, error: errorText(e) };
    }
  }, [source]);
  const preview = drawn.png;

  const open = async (url: string, id: string | null): Promise<void> => {
    setError(null);
    const image = await loadImage(url);
    setChosen(id);
    setSource({ image, crop: centredCrop(image.naturalWidth, image.naturalHeight) });
  };

  const pickDefault = (id: string): void => {
    const svg = gallery.current?.querySelector<SVGSVGElement>(`[data-picture="${id}"] svg`);
    if (svg) open(svgDataUrl(svg), id).catch((e: unknown) => setError(errorText(e)));
  };

  const pickFile = (picked: File | undefined): void => {
    if (!picked) return;
    if (picked.size > MAX_SOURCE_BYTES) {
      setError('That picture is too large to open (more than 30 MB).');
      return;
    }
    readAsDataUrl(picked)
      .then((url) => open(url, null))
      .catch((e: unknown) => setError(errorText(e)));
  };

  const save = (image: string | null): void => {
    setBusy(true);
    setError(null);
    call('profile:set-display-picture', { image }).then(onClose, (e: unknown) => {
      setBusy(false);
      setError(errorText(e));
    });
  };

  return (
    <Dialog title="Display Picture" onClose={onClose} className="picture-dialog">
      <p>Choose how you want to appear to others in conversations and in their contact lists.</p>
      <div className="picture-dialog-body">
        <div className="picture-gallery" ref={gallery} role="group" aria-label="Pictures">
          {DEFAULT_PICTURES.map((picture) => (
            <button
              key={picture.id}
              type="button"
              data-picture={picture.id}
              className={`picture-choice${chosen === picture.id ? ' selected' : ''}`}
              aria-label={picture.name}
              aria-pressed={chosen === picture.id}
              title={picture.name}
              onClick={() => pickDefault(picture.id)}
            >
              {picture.svg}
            </button>
          ))}
        </div>
        <div className="picture-side">
          <div className="picture-preview" aria-label="Preview">
            {preview ? <img src={`data:image/png;base64,${preview}`} alt="Your new picture" /> : null}
          </div>
          <button type="button" className="button" onClick={() => file.current?.click()}>
            Browse…
          </button>
          <input
            ref={file}
            type="file"
            hidden
            aria-label="Picture file"
            accept="image/png,image/jpeg,image/gif,image/bmp"
            onChange={(e) => pickFile(e.target.files?.[0])}
          />
          <button type="button" className="button" disabled={busy} onClick={() => save(null)}>
            Remove
          </button>
        </div>
      </div>
      {source && chosen === null && <CropEditor source={source} onChange={(crop) => setSource({ ...source, crop })} />}
      {(error ?? drawn.error) && (
        <p className="dialog-error" role="alert">
          {error ?? drawn.error}
        </p>
      )}
      <div className="dialog-buttons">
        <button
          type="button"
          className="button button-primary"
          disabled={busy || preview === null}
          onClick={() => save(preview)}
        >
          OK
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
