import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS, PRESET_ENV, presetsFromEnvironment } from '../../../src/main/app/presets';
import { INITIAL_SHELL_STATE, reduceShellState } from '../../../src/main/app/shell-state';
import { ServerPreset } from '../../../src/shared/schemas';

describe('server presets', () => {
  it('offers the public revival service and a local server', () => {
    expect(BUILT_IN_PRESETS.map((p) => p.server)).toEqual([
      { host: 'msnmsgr.escargot.chat', port: 1863, nexus: 'https://msnmsgr.escargot.chat/rdr/pprdr.asp' },
      { host: '127.0.0.1', port: 1863 },
    ]);
    for (const preset of BUILT_IN_PRESETS) expect(ServerPreset.parse(preset)).toEqual(preset);
  });

  it('puts a server given in the environment first', () => {
    const server = {
      host: '127.0.0.1',
      port: 41000,
      nexus: 'https://127.0.0.1:41003/rdr/pprdr.asp',
      caFile: '/tmp/ca.pem',
    };
    const presets = presetsFromEnvironment({ [PRESET_ENV]: JSON.stringify({ label: 'Demo server', server }) });
    expect(presets[0]).toEqual({ id: 'environment', label: 'Demo server', server });
    expect(presets.slice(1)).toEqual(BUILT_IN_PRESETS);
  });

  it.each(['', 'not json', '{"label":"x"}', JSON.stringify({ label: 'x', server: { host: 'h', port: 70000 } })])(
    'ignores a malformed environment preset %j',
    (value) => {
      expect(presetsFromEnvironment({ [PRESET_ENV]: value })).toEqual(BUILT_IN_PRESETS);
    },
  );
});

describe('shell state', () => {
  const profile = { email: 'me@example.com', displayName: 'Me', status: 'NLN' as const, personalMessage: '' };

  it('follows sign-in, status changes and sign-out', () => {
    let state = reduceShellState(INITIAL_SHELL_STATE, 'session:phase', { phase: 'connecting' });
    expect(state).toEqual({ phase: 'connecting' });
    state = reduceShellState(state, 'session:signed-in', { protocol: 'MSNP12', profile });
    expect(state).toEqual({ phase: 'online', email: 'me@example.com', status: 'NLN' });
    state = reduceShellState(state, 'profile:changed', { ...profile, status: 'BSY' });
    expect(state.status).toBe('BSY');
    state = reduceShellState(state, 'session:places', { places: [{ id: '{1}', name: 'Desktop', state: 'NLN' }] });
    expect(state.otherPlaces).toBe(1);
    state = reduceShellState(state, 'session:phase', { phase: 'reconnecting' });
    expect(state).toEqual({ phase: 'reconnecting', email: 'me@example.com', status: 'BSY', otherPlaces: 1 });
    state = reduceShellState(state, 'session:signed-out', { reason: 'user', message: 'bye' });
    expect(state).toEqual(INITIAL_SHELL_STATE);
  });

  it('ignores events that do not concern it, keeping the same object', () => {
    const state = reduceShellState(INITIAL_SHELL_STATE, 'contacts:changed', { upserted: [], removed: [] });
    expect(state).toBe(INITIAL_SHELL_STATE);
  });
});
