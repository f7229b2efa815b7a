import { useEffect, useState } from 'react';
import { SvgDefs } from './components/art';
import { parseRoute } from './lib/route';
import { ContactListScreen } from './screens/contacts/ContactListScreen';
import { ConversationScreen } from './screens/conversation/ConversationScreen';
import { HistoryViewer } from './screens/history/HistoryViewer';
import { InspectorScreen } from './screens/Inspector';
import { OptionsPanel } from './screens/Options';
import { SignIn } from './screens/SignIn';
import { connectConversation } from './store/conversation';
import { playSound } from './sounds';
import { connectSession, useSession } from './store/session';

function ContactListWindow(): React.JSX.Element {
  const phase = useSession((s) => s.phase);
  const profile = useSession((s) => s.profile);
  useEffect(() => {
    document.title = 'Messenger';
  }, []);
  // Main sends sounds to this window only: it lives as long as the app does.
  useEffect(() => window.msn.on('sound:play', ({ sound }) => playSound(sound)), []);
  return phase === 'online' && profile ? <ContactListScreen /> : <SignIn />;
}

function ConversationWindow({ conversationId }: { conversationId: string }): React.JSX.Element {
  useEffect(() => connectConversation(conversationId), [conversationId]);
  return <ConversationScreen conversationId={conversationId} />;
}

function OptionsWindow(): React.JSX.Element {
  useEffect(() => {
    document.title = 'Options';
  }, []);
  return (
    <div className="options-window">
      <OptionsPanel onDone={() => window.close()} />
    </div>
  );
}

function HistoryWindow({ contact }: { contact: string | undefined }): React.JSX.Element {
  useEffect(() => {
    document.title = 'Message History';
  }, []);
  return (
    <div className="history-window">
      <HistoryViewer {...(contact === undefined ? {} : { initialContact: contact })} />
    </div>
  );
}

export function App(): React.JSX.Element {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => connectSession(), []);
  return (
    <>
      <SvgDefs />
      {route.kind === 'contact-list' && <ContactListWindow />}
      {route.kind === 'conversation' && (
        <ConversationWindow key={route.conversationId} conversationId={route.conversationId} />
      )}
      {route.kind === 'options' && <OptionsWindow />}
      {route.kind === 'history' && <HistoryWindow key={route.contact ?? ''} contact={route.contact} />}
      {route.kind === 'inspector' && <InspectorScreen />}
    </>
  );
}
