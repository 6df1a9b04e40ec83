/** @module Test support: Heed as a child process, as users run it (for crash and signal tests). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/heed.mjs', import.meta.url));

/** A running child Heed and the facts it printed at start. */
export interface ChildHeed {
  proc: ChildProcess;
  url: string;
  adminToken: string;
  project: { id: number; key: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

/** Starts `heed start --json` on a free port over `dataDir`. */
export function startChildHeed(dataDir: string, env: Record<string, string> = {}): Promise<ChildHeed> {
  const proc = spawn(process.execPath, [BIN, 'start', '--data', dataDir, '--port', '0', '--json'], {
    env: { ...process.env, HEED_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`heed did not start in 20 s: ${err}`)), 20_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      const facts = JSON.parse(out.slice(0, nl)) as { url: string; adminToken: string; project: { id: number; key: string } };
      resolve({ proc, url: facts.url, adminToken: facts.adminToken, project: facts.project, exited, stderr: () => err });
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`heed exited with ${code} before starting: ${err}`));
    });
  });
}
