// Shows someone's text: emoticons as pictures, links that open in the system browser, and every
// other character as a text node, so markup in a message or name stays literal.
import { useMemo } from 'react';
import { call, errorText } from '../lib/api';
import { pushNotice } from '../store/session';
import { splitRichText } from '../lib/richText';
import { Emoticon } from './Emoticon';

function openLink(event: React.MouseEvent<HTMLAnchorElement>, url: string): void {
  event.preventDefault();
  call('shell:open-external', { url }).catch((error: unknown) => pushNotice(errorText(error)));
}

export function RichText({ text, emoticons = true }: { text: string; emoticons?: boolean }): React.JSX.Element {
  const pieces = useMemo(() => splitRichText(text, { emoticons }), [text, emoticons]);
  return (
    <>
      {pieces.map((piece, i) => {
        switch (piece.kind) {
          case 'text':
            return <span key={i}>{piece.text}</span>;
          case 'emoticon':
            return <Emoticon key={i} id={piece.id} shortcut={piece.shortcut} />;
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
