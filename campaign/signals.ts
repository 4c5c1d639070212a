// The signals that stop a run: SIGINT (Ctrl-C), SIGTERM (kill, a cluster's scheduler ending a
// job) and SIGHUP (the terminal went away) all mean "stop and report what you have"; a second
// one ends the process at once. The exit status after a signal is 128 + its number.

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const NUMBERS: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The conventional exit status of a process stopped by `s`. */
export function signalExitStatus(s: StopSignal): number {
  return 128 + NUMBERS[s];
}

/**
 * Calls `onSignal` for the first stop signal; from then on the default action is back for all
 * of them (a second Ctrl-C kills). Returns a function that removes the handlers.
 */
export function catchStopSignals(onSignal: (s: StopSignal) => void): () => void {
  const handlers = new Map<StopSignal, () => void>();
  const release = (): void => {
    for (const [s, h] of handlers) process.removeListener(s, h);
    handlers.clear();
  };
  for (const s of STOP_SIGNALS) {
    const h = (): void => {
      release();
      onSignal(s);
    };
    handlers.set(s, h);
    process.on(s, h);
  }
  return release;
}
