// A child node process running a TypeScript script through tsx, speaking a
// tiny protocol on stdout: its first line says it is ready, its last line is
// a JSON report. Used by the multi-process tests and the worker benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A started child: `ready` on its first line of output, `done` with the JSON of its last. */
export interface StartedChild<T> {
  proc: ChildProcess;
  ready: Promise<void>;
  done: Promise<T>;
}

/** Start `script` (a path) with `args` and `env`; `name` labels the error when it exits non-zero. */
export function startChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv, name: string = script): StartedChild<T> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) markReady();
  });
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<T>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (code !== 0) reject(new Error(`${name} exited with ${code ?? signal}: ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null') as T);
    });
  });
  // A child that dies before it is ready must not leave the parent waiting.
  done.catch(() => markReady());
  return { proc, ready, done };
}
