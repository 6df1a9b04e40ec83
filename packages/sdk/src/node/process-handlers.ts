/**
 * @module Automatic capture of uncaught exceptions and unhandled rejections, keeping Node's own outcome:
 * the process still prints the error and exits 1 unless the app handles these events itself.
 */
import { inspect } from 'node:util';
import type { Client } from '../core/client.js';

type RejectionMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

/** The `--unhandled-rejections` mode in force (Node's default is `throw`). */
export function rejectionMode(): RejectionMode {
  const args = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const m = /--unhandled-rejections[= ](throw|strict|warn-with-error-code|warn|none)/.exec(args);
  return (m?.[1] as RejectionMode | undefined) ?? 'throw';
}

/** Installs the listeners; returns their removal. */
export function installProcessHandlers(client: Client, flushTimeoutMs: number): () => void {
  let exiting = false;
  const onUncaught = (err: unknown, origin?: string) => {
    const fromRejection = origin === 'unhandledRejection';
    client.captureException(err, {
      level: 'fatal',
      mechanism: { type: fromRejection ? 'auto.node.onunhandledrejection' : 'auto.node.onuncaughtexception', handled: false },
    });
    // Another listener means the app decided what an uncaught error does; otherwise do what Node does.
    if (process.listenerCount('uncaughtException') > 1 || exiting) return;
    exiting = true;
    process.stderr.write(`${fromRejection ? 'Unhandled rejection: ' : ''}${inspect(err)}\n`);
    const exit = () => process.exit(1);
    client.flush(flushTimeoutMs).then(exit, exit);
  };
  const onRejection = (reason: unknown) => {
    const mode = rejectionMode();
    if (mode === 'strict') return; // Node raises it as an uncaught exception itself.
    if (mode === 'throw' && process.listenerCount('unhandledRejection') === 1) {
      // Our listener would stop Node from crashing; raise it as Node would, through 'uncaughtException'.
      (process.emit as (event: string, ...args: unknown[]) => boolean)('uncaughtException', reason, 'unhandledRejection');
      return;
    }
    client.captureException(reason, {
      mechanism: { type: 'auto.node.onunhandledrejection', handled: false },
      extra: { unhandledPromiseRejection: true },
    });
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
  };
}
