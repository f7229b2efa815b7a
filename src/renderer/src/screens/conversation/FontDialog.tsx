// Choosing the font, size, style and colour of one's own messages, with a live preview.
import { useState } from 'react';
import { Dialog } from '../../components/ui';
import { COLORS, FONTS, FONT_SIZES, textStyle, type OwnStyle } from '../../lib/format';

export function FontDialog({
  style,
  onSave,
  onClose,
}: {
  style: OwnStyle;
  onSave: (style: OwnStyle) => void;
  onClose: () => void;
}): React.JSX.Element {
  const [draft, setDraft] = useState(style);
  const { format } = draft;
  const effect = (key: keyof typeof format.effects, label: string): React.JSX.Element => (
    <label className="check">
      <input
        type="checkbox"
        checked={format.effects[key]}
        onChange={(e) =>
          setDraft({ ...draft, format: { ...format, effects: { ...format.effects, [key]: e.target.checked } } })
        }
      />
      {label}
    </label>
  );
  return (
    <Dialog title="Change Font" onClose={onClose} className="font-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSave(draft);
        }}
      >
        <div className="font-grid">
          <label className="field">
            <span>Font:</span>
            <select
              size={6}
              aria-label="Font"
              value={format.font}
              onChange={(e) => {
                const font = FONTS.find((f) => f.name === e.target.value);
                if (font) setDraft({ ...draft, format: { ...format, font: font.name, pitchFamily: font.pitchFamily } });
              }}
            >
              {FONTS.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Size:</span>
            <select
              size={6}
              aria-label="Size"
              value={draft.size}
              onChange={(e) => setDraft({ ...draft, size: Number(e.target.value) })}
            >
              {FONT_SIZES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="font-effects">
            <legend>Effects</legend>
            {effect('bold', 'Bold')}
            {effect('italic', 'Italic')}
            {effect('underline', 'Underline')}
            {effect('strikethrough', 'Strikeout')}
          </fieldset>
        </div>
        <fieldset className="font-colors">
          <legend>Colour</legend>
          {COLORS.map((color) => (
            <button
              key={color}
              type="button"
              className={`swatch${format.color === color ? ' selected' : ''}`}
              aria-label={`Colour ${color}`}
              aria-pressed={format.color === color}
              style={{ backgroundColor: color }}
              onClick={() => setDraft({ ...draft, format: { ...format, color } })}
            />
          ))}
        </fieldset>
        <div className="font-preview" style={{ ...textStyle(format), fontSize: `${draft.size}pt` }}>
          AaBbYyZz
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="button button-primary">
            OK
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
