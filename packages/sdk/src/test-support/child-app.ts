/** @module Test support: a tiny app run as a child process by the process-handler tests (`scenario dsn` as arguments). */
import { captureMessage, init, track } from '../node/index.js';

const [scenario = '', dsn = ''] = process.argv.slice(2);
const say = (s: string) => process.stdout.write(`${s}\n`);

if (scenario === 'import-only') {
  const before = { ue: process.listenerCount('uncaughtException'), be: process.listenerCount('beforeExit') };
  await import('../core/index.js');
  await import('../browser/index.js');
  await import('../experimental/index.js');
  const after = { ue: process.listenerCount('uncaughtException'), be: process.listenerCount('beforeExit') };
  const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
  say(JSON.stringify({ before, after, resources, fetchPatched: '__heed' in fetch }));
} else {
  init({ dsn, release: 'app@1', shutdownTimeoutMs: 3000, dependencies: scenario === 'deps' });
  switch (scenario) {
    case 'uncaught':
      setTimeout(() => {
        throw new RangeError('inventory underflow');
      }, 10);
      break;
    case 'rejection':
      void Promise.reject(new Error('db connection lost'));
      break;
    case 'rejection-app-handles':
      process.on('unhandledRejection', () => say('app handled it'));
      void Promise.reject(new Error('db connection lost'));
      setTimeout(() => say('alive'), 300);
      break;
    case 'before-exit':
      for (let i = 0; i < 5; i++) track('job.done', { tags: { i: String(i) } });
      captureMessage('finished');
      break;
    case 'sigterm':
      track('job.started');
      setInterval(() => {}, 1000);
      say('ready');
      break;
    default:
      say(`unknown scenario ${scenario}`);
  }
}
