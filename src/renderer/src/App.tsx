import { useEffect } from 'react';
import { useAppStore } from './store';

export function App(): React.JSX.Element {
  const phase = useAppStore((s) => s.phase);
  const setPhase = useAppStore((s) => s.setPhase);
  useEffect(() => window.msn.on('session:phase', ({ phase: next }) => setPhase(next)), [setPhase]);
  return <main className="app">{phase === 'signed-out' ? 'Sign in' : phase}</main>;
}
