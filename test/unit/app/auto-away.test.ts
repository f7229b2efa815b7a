import { describe, expect, it } from 'vitest';
import { AutoAway } from '../../../src/main/app/auto-away';

/** An online user with 5-minute auto-away whose session echoes every status the machine asks for. */
function online(minutes = 5, status: 'NLN' | 'BSY' | 'HDN' = 'NLN'): AutoAway {
  const machine = new AutoAway(minutes);
  machine.statusChanged(status);
  return machine;
}

describe('auto-away', () => {
  it('shows an idle user as away after the configured minutes, not before', () => {
    const machine = online();
    expect(machine.idle(299)).toBeUndefined();
    expect(machine.idle(300)).toEqual({ setStatus: 'IDL' });
  });

  it('asks only once while the user stays idle', () => {
    const machine = online();
    expect(machine.idle(300)).toEqual({ setStatus: 'IDL' });
    machine.statusChanged('IDL');
    expect(machine.idle(400)).toBeUndefined();
    expect(machine.idle(500)).toBeUndefined();
  });

  it('brings back the previous status on activity', () => {
    const machine = online();
    machine.idle(300);
    machine.statusChanged('IDL');
    expect(machine.idle(2)).toEqual({ setStatus: 'NLN' });
    machine.statusChanged('NLN');
    expect(machine.idle(3)).toBeUndefined();
  });

  it('restores even if the away status has not been reported back yet', () => {
    const machine = online();
    machine.idle(300);
    expect(machine.idle(1)).toEqual({ setStatus: 'NLN' });
  });

  it('ignores a repeat of the old status that arrives before the away status', () => {
    const machine = online();
    machine.idle(300);
    machine.statusChanged('NLN');
    machine.statusChanged('IDL');
    expect(machine.idle(1)).toEqual({ setStatus: 'NLN' });
  });

  it('never overrides a status the user picked while away', () => {
    const machine = online();
    machine.idle(300);
    machine.statusChanged('IDL');
    machine.statusChanged('BSY');
    expect(machine.idle(1)).toBeUndefined();
    expect(machine.unlock()).toBeUndefined();
  });

  it('leaves Busy, Appear Offline and the other chosen statuses alone', () => {
    expect(online(5, 'BSY').idle(10_000)).toBeUndefined();
    expect(online(5, 'HDN').idle(10_000)).toBeUndefined();
    expect(online(5, 'HDN').lock()).toBeUndefined();
  });

  it('does nothing while signed out', () => {
    const machine = new AutoAway(5);
    expect(machine.idle(10_000)).toBeUndefined();
    expect(machine.lock()).toBeUndefined();
  });

  it('forgets auto-away across a sign-out', () => {
    const machine = online();
    machine.idle(300);
    machine.statusChanged('IDL');
    machine.statusChanged(undefined);
    machine.statusChanged('NLN');
    expect(machine.idle(1)).toBeUndefined();
  });

  it('goes away when the screen locks and comes back when it unlocks', () => {
    const machine = online();
    expect(machine.lock()).toEqual({ setStatus: 'IDL' });
    machine.statusChanged('IDL');
    expect(machine.unlock()).toEqual({ setStatus: 'NLN' });
  });

  it('does not count activity behind a locked screen as the user coming back', () => {
    const machine = online();
    machine.idle(300);
    machine.statusChanged('IDL');
    machine.lock();
    expect(machine.idle(0)).toBeUndefined();
    expect(machine.unlock()).toEqual({ setStatus: 'NLN' });
  });

  it('keeps a lock-screen away through idle samples until unlock', () => {
    const machine = online();
    machine.lock();
    machine.statusChanged('IDL');
    expect(machine.idle(0)).toBeUndefined();
    expect(machine.unlock()).toEqual({ setStatus: 'NLN' });
  });

  it('is off at 0 minutes, and turning it off brings the user back', () => {
    expect(online(0).idle(100_000)).toBeUndefined();
    expect(online(0).lock()).toBeUndefined();
    const machine = online();
    machine.idle(300);
    machine.statusChanged('IDL');
    expect(machine.setMinutes(0)).toEqual({ setStatus: 'NLN' });
  });

  it('uses a changed number of minutes from the next sample', () => {
    const machine = online(10);
    expect(machine.idle(300)).toBeUndefined();
    expect(machine.setMinutes(5)).toBeUndefined();
    expect(machine.idle(300)).toEqual({ setStatus: 'IDL' });
  });
});
