import { create } from 'zustand';
import type { SessionPhase } from '../../shared/schemas';

interface AppState {
  phase: SessionPhase;
  setPhase: (phase: SessionPhase) => void;
}

export const useAppStore = create<AppState>()((set) => ({
  phase: 'signed-out',
  setPhase: (phase) => set({ phase }),
}));
