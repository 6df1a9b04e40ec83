/** @module Flushing on the way out: `beforeExit`, and SIGTERM/SIGINT with Node's default exit kept when the app has no handler. */
import type { Client } from '../core/client.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
// beforeExit fires again after each flush that did I/O; a few rounds are enough to drain retries.
const MAX_BEFORE_EXIT_FLUSHES = 3;

/** Installs the listeners; returns their removal. */
export function installExitHandlers(client: Client, flushTimeoutMs: number, signals: boolean): () => void {
  let rounds = 0;
  const onBeforeExit = () => {
    if (rounds++ < MAX_BEFORE_EXIT_FLUSHES) void client.flush(flushTimeoutMs);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    const alone = process.listenerCount(sig) === 1;
    const done = () => {
      if (!alone) return;
      // Re-raise with our listener gone, so the process ends exactly as it would have without the SDK.
      process.off(sig, onSignal);
      process.kill(process.pid, sig);
    };
    client.flush(flushTimeoutMs).then(done, done);
  };
  process.on('beforeExit', onBeforeExit);
  if (signals) for (const s of SIGNALS) process.on(s, onSignal);
  return () => {
    process.off('beforeExit', onBeforeExit);
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}
