// Shows someone's text: emoticons as pictures, links that open in the system browser, and every
// other character as a text node, so markup in a message or name stays literal.
import { useMemo } from 'react';
import { call, errorText } from '../lib/api';
import { pushNotice } from '../store/session';
import { splitRichText, type CustomEmoticons } from '../lib/richText';
import { pictureUrl } from '../../../shared/pictures';
import { Emoticon } from './Emoticon';

function openLink(event: React.MouseEvent<HTMLAnchorElement>, url: string): void {
  event.preventDefault();
  call('shell:open-external', { url }).catch((error: unknown) => pushNotice(errorText(error)));
}

export function RichText({
  text,
  emoticons = true,
  custom,
}: {
  text: string;
  emoticons?: boolean;
  /** The sender's own emoticons this message declared. */
  custom?: CustomEmoticons | undefined;
}): React.JSX.Element {
  const pieces = useMemo(
    () => splitRichText(text, { emoticons, ...(custom ? { custom } : {}) }),
    [text, emoticons, custom],
  );
  return (
    <>
      {pieces.map((piece, i) => {
        switch (piece.kind) {
          case 'text':
            return <span key={i}>{piece.text}</span>;
          case 'emoticon':
            return <Emoticon key={i} id={piece.id} shortcut={piece.shortcut} />;
          case 'custom':
            return piece.pictureId === null ? (
              <span key={i}>{piece.shortcut}</span>
            ) : (
              <img
                key={i}
                className="custom-emoticon"
                src={pictureUrl(piece.pictureId)}
                alt={piece.shortcut}
                title={piece.shortcut}
                draggable={false}
              />
            );
          case 'link':
            return (
              <a key={i} href={piece.url} onClick={(e) => openLink(e, piece.url)} rel="noreferrer">
                {piece.text}
              </a>
            );
        }
      })}
    </>
  );
}
