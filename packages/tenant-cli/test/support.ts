import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SqliteStore } from '@tenant-waves/control-plane';

// Tests drive the real `tenant` binary (bin/tenant.js → the esbuild bundle), as a user would.
export const BIN = join(__dirname, '..', 'bin', 'tenant.js');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const env = (extra: NodeJS.ProcessEnv = {}) => {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('TENANT_STATE_DIR' in extra)) delete e.TENANT_STATE_DIR;
  return e;
};

export function tenant(args: readonly string[], opts: { stateDir?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const argv = opts.stateDir ? [...args, '--state-dir', opts.stateDir] : [...args];
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: opts.cwd ?? process.cwd(), encoding: 'utf8', env: env(opts.env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `tenant … --json`, parsed; fails the test with the command's stderr when it did not exit 0. */
export function tenantJson<T = any>(args: readonly string[], stateDir: string): T {
  const r = tenant([...args, '--json'], { stateDir });
  if (r.code !== 0) throw new Error(`tenant ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A `tenant` process in the background (for kill -9, concurrent approvals, serve). */
export function tenantBackground(args: readonly string[], stateDir: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args, '--state-dir', stateDir], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

type Maybe<T> = T | undefined | false;
export async function waitFor<T>(what: string, fn: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = 60_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads the state database (a second connection, as `tenant approve` would). */
export async function withStore<T>(stateDir: string, fn: (s: SqliteStore) => Promise<T> | T): Promise<T> {
  const s = await SqliteStore.open(join(stateDir, 'state.db'));
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/** Every row of the state database plus the files the backend keeps: equal before and after means nothing changed. */
export async function snapshot(stateDir: string): Promise<string> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(relative(stateDir, p));
    }
  };
  for (const sub of ['builds', 'rendered']) if (existsSync(join(stateDir, sub))) walk(join(stateDir, sub));
  const db = await withStore(stateDir, (s) => s.dump());
  return JSON.stringify({ db, files: files.sort() }, null, 1);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tenant-${prefix}-`));
}

/**
 * The seed's world, built once per test file and copied per test: services saas-web and
 * saas-lambda; tenantA (premium, silo, wave 1), tenantB (standard, silo, wave 2), tenantC
 * (basic, pool, wave 2). Nothing deployed, no process running.
 */
let seeded: string | undefined;
/** Builds the seed world once (call it from beforeAll: it takes a few seconds). */
export function buildSeed(): void {
  if (!seeded) {
    seeded = tempDir('seed');
    for (const argv of [
      ['service', 'create', 'saas-web', '--template', 'fargate-service'],
      ['service', 'create', 'saas-lambda', '--template', 'serverless-service'],
      ['onboard', 'tenantA', '--tier', 'premium', '--wave', '1'],
      ['onboard', 'tenantB', '--tier', 'standard', '--wave', '2'],
      ['onboard', 'tenantC', '--tier', 'basic', '--wave', '2', '--placement', 'pool'],
    ]) {
      const r = tenant(argv, { stateDir: seeded });
      if (r.code !== 0) throw new Error(`seed: tenant ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
    }
  }
}

export function seedWorld(): string {
  buildSeed();
  const copy = tempDir('world');
  cpSync(seeded!, copy, { recursive: true });
  return copy;
}

/** Stops every instance process a state directory started (tests leave nothing running). */
export function stopAll(stateDir: string): void {
  if (existsSync(join(stateDir, 'state.db'))) tenant(['stop'], { stateDir });
}

/** The local backend's audit trail: one JSON object per process start, cut-over, rollback, stop. */
export function events(stateDir: string): any[] {
  const f = join(stateDir, 'logs', 'deployments.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** Live processes running one of this state directory's builds: pid → command line. */
export function workloadProcesses(stateDir: string): Map<number, string> {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const found = new Map<number, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && m[2].includes(join(stateDir, 'builds'))) found.set(Number(m[1]), m[2]);
  }
  return found;
}

/** A build directory with the given server.js. */
export function artifact(serverJs: string, file = 'server.js'): string {
  const dir = tempDir('artifact');
  writeFileSync(join(dir, file), serverJs);
  return dir;
}
