/**
 * Ctrl-C while a command waits (sign-in approval, a scan): the first SIGINT/SIGTERM runs the
 * cleanup and settles `promise`, so the command can end with its own message and exit code.
 */
export interface InterruptWatch {
  promise: Promise<NodeJS.Signals>;
  dispose(): void;
}

export function onInterrupt(cleanup: (signal: NodeJS.Signals) => void = () => {}): InterruptWatch {
  let settle: (signal: NodeJS.Signals) => void = () => {};
  const promise = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  // Unobserved when nobody races it; never a rejection, so no unhandled-rejection noise.
  void promise;
  const handler = (signal: NodeJS.Signals) => {
    cleanup(signal);
    settle(signal);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    promise,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
