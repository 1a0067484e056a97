import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops a workload process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(pid: number | undefined, graceMs = 2000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid!, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (isAlive(pid)) {
    try {
      process.kill(pid!, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}

/**
 * Starts a workload as its own detached process (it outlives the `tenant` command that started
 * it, as a container outlives `aws ecs update-service`), with only the environment it needs
 * and its output appended to `logFile`.
 */
export function startProcess(script: string, env: Readonly<Record<string, string>>, logFile: string, marker?: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  const fd = openSync(logFile, 'a', 0o600);
  try {
    // The marker argument (ignored by the workload) lets a later `tenant` find the process in `ps`.
    const child = spawn(process.execPath, marker ? [script, marker] : [script], {
      cwd: dirname(script),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

export interface HealthResult {
  readonly healthy: boolean;
  readonly reason?: string;
  readonly body?: Record<string, unknown>;
}

/** One look at `<url>/health`: healthy on HTTP 200 (and, when given, the expected version). */
export async function checkHealth(url: string, expectVersion?: string, timeoutMs = 2000): Promise<HealthResult> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status !== 200) return { healthy: false, reason: `GET /health answered HTTP ${res.status}` };
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      /* a plain-text health page is fine */
    }
    if (expectVersion !== undefined && body.version !== undefined && body.version !== expectVersion) {
      return { healthy: false, reason: `GET /health reports version ${String(body.version)}, expected ${expectVersion}`, body };
    }
    return { healthy: true, body };
  } catch (e) {
    return { healthy: false, reason: `GET /health: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}` };
  }
}

/**
 * Waits until a just-started process answers `/health`, with backoff; fails at once when the
 * process exits, and after `timeoutMs` otherwise. `proc` is the child this process started, or
 * the pid of one an earlier (interrupted) `tenant` process started.
 */
export async function waitHealthy(proc: ChildProcess | number, url: string, expectVersion: string, timeoutMs: number): Promise<HealthResult> {
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `the process exited (${signal ?? `code ${code}`}) before it was healthy`;
  };
  const child = typeof proc === 'number' ? undefined : proc;
  const pid = typeof proc === 'number' ? proc : proc.pid;
  child?.once('exit', onExit);
  const gone = () => exited ?? (child || isAlive(pid) ? undefined : 'the process is gone');
  try {
    const deadline = Date.now() + timeoutMs;
    let delay = 25;
    let last: HealthResult = { healthy: false, reason: 'no answer' };
    while (Date.now() < deadline) {
      if (gone()) return { healthy: false, reason: gone() };
      last = await checkHealth(url, expectVersion, Math.max(100, Math.min(2000, deadline - Date.now())));
      if (last.healthy) return last;
      if (gone()) return { healthy: false, reason: gone() };
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 400);
    }
    return { healthy: false, reason: `not healthy within ${timeoutMs} ms (${last.reason})` };
  } finally {
    child?.off('exit', onExit);
  }
}

/** Live processes whose command line contains every one of `parts` and ends with `last` (POSIX `ps`). */
export function findProcesses(parts: readonly string[], last = ''): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    const args = m?.[2].trimEnd() ?? '';
    if (m && Number(m[1]) !== process.pid && parts.every((p) => args.includes(p)) && args.endsWith(last)) pids.push(Number(m[1]));
  }
  return pids;
}
