// Tools → Emoticons…: the user's own emoticons. Each is a small picture with a shortcut of up to
// seven characters; typing the shortcut in a message shows the picture to the other person.
// Animated GIFs are kept as they are so they still move; other pictures are scaled to fit 50×50.
import { useRef, useState } from 'react';
import { EmoticonShortcut } from '../../../shared/schemas';
import { pictureUrl } from '../../../shared/pictures';
import { Dialog } from '../components/ui';
import { call, errorText } from '../lib/api';
import { loadImage, readAsDataUrl } from '../lib/picture';
import { useSession } from '../store/session';

/** The largest emoticon, as WLM allowed; the classic size was 19×19. */
const EMOTICON_SIDE = 50;
const MAX_GIF_BYTES = 200 * 1024;

/** The picture as it will be stored: the GIF itself when small, else a PNG scaled to fit. */
async function emoticonImage(file: File): Promise<{ base64: string; mime: string }> {
  const url = await readAsDataUrl(file);
  const [, base64 = ''] = url.split(',');
  if (file.type === 'image/gif' && file.size <= MAX_GIF_BYTES) return { base64, mime: 'image/gif' };
  const image = await loadImage(url);
  const scale = Math.min(1, EMOTICON_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This window cannot draw pictures.');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return { base64: canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, ''), mime: 'image/png' };
}

export function EmoticonsDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const emoticons = useSession((s) => s.ownEmoticons);
  const [image, setImage] = useState<{ base64: string; mime: string } | null>(null);
  const [shortcut, setShortcut] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const valid = image !== null && EmoticonShortcut.safeParse(shortcut).success;
  const taken = emoticons.some((e) => e.shortcut === shortcut);

  const add = (): void => {
    if (image === null) return;
    setBusy(true);
    setError(null);
    call('emoticons:add', { image: image.base64, shortcut, name: name.trim() }).then(
      () => {
        setBusy(false);
        setImage(null);
        setShortcut('');
        setName('');
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };

  return (
    <Dialog title="Emoticons" onClose={onClose} className="emoticons-dialog">
      <p>Your own emoticons: type a shortcut in a message to show its picture.</p>
      <ul className="own-emoticons" aria-label="My emoticons">
        {emoticons.length === 0 && <li className="empty">You have not created any emoticons yet.</li>}
        {emoticons.map((e) => (
          <li key={e.shortcut}>
            <img src={pictureUrl(e.pictureId)} alt="" />
            <code>{e.shortcut}</code>
            <span className="emoticon-name">{e.name}</span>
            <button
              type="button"
              className="link-button"
              aria-label={`Delete ${e.shortcut}`}
              onClick={() =>
                call('emoticons:remove', { shortcut: e.shortcut }).catch((err: unknown) => setError(errorText(err)))
              }
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <fieldset className="new-emoticon">
        <legend>Create an emoticon</legend>
        <div className="new-emoticon-row">
          <div className="new-emoticon-picture">
            {image && <img src={`data:${image.mime};base64,${image.base64}`} alt="The new emoticon" />}
          </div>
          <button type="button" className="button" onClick={() => file.current?.click()}>
            Find Image…
          </button>
          <input
            ref={file}
            type="file"
            hidden
            aria-label="Emoticon picture"
            accept="image/png,image/jpeg,image/gif,image/bmp"
            onChange={(e) => {
              const picked = e.target.files?.[0];
              if (picked) emoticonImage(picked).then(setImage, (err: unknown) => setError(errorText(err)));
            }}
          />
        </div>
        <label className="field">
          <span>Keyboard shortcut (up to 7 characters)</span>
          <input value={shortcut} maxLength={7} onChange={(e) => setShortcut(e.target.value.replace(/\s/g, ''))} />
        </label>
        <label className="field">
          <span>Name</span>
          <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </label>
        {taken && <p className="dialog-error">Saving replaces the emoticon with that shortcut.</p>}
        <button type="button" className="button" disabled={!valid || busy} onClick={add}>
          Save
        </button>
      </fieldset>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button button-primary" onClick={onClose}>
          OK
        </button>
      </div>
    </Dialog>
  );
}
