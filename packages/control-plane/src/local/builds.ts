import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../errors';
import { parseVersionLabel } from '../registry';
import { LAMBDA_HOST_FILE, LAMBDA_HOST_SOURCE } from './lambda-host';

/** How a service's builds run locally: a web server (`server.js`) or a Lambda handler (`index.js`). */
export type WorkloadKind = 'web' | 'lambda';

export const ENTRY_POINTS: Readonly<Record<WorkloadKind, string>> = { web: 'server.js', lambda: 'index.js' };

export interface BuildInfo {
  readonly service: string;
  readonly version: string;
  readonly kind: WorkloadKind;
  /** sha256 over the build's files: a version label always means the same bytes. */
  readonly digest: string;
  readonly source: string;
  readonly createdAt: string;
  readonly dir: string;
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function digestDir(dir: string): string {
  const h = createHash('sha256');
  for (const f of files(dir)) {
    if (relative(dir, f) === 'build.json' || relative(dir, f) === LAMBDA_HOST_FILE) continue;
    h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

/**
 * Versioned builds of the workloads, kept in `<stateDir>/builds/<service>/<version>/`: every
 * version deployed stays runnable, so a rollback starts the previous build again. A version
 * label is immutable: the same label with different bytes is refused.
 */
export class BuildStore {
  constructor(private readonly root: string) {}

  dir(service: string, version: string): string {
    return join(this.root, service, version);
  }

  get(service: string, version: string): BuildInfo | undefined {
    const file = join(this.dir(service, version), 'build.json');
    if (!existsSync(file)) return undefined;
    return { ...JSON.parse(readFileSync(file, 'utf8')), dir: this.dir(service, version) };
  }

  list(service: string): BuildInfo[] {
    const d = join(this.root, service);
    if (!existsSync(d)) return [];
    return readdirSync(d).map((v) => this.get(service, v)).filter((b): b is BuildInfo => b !== undefined);
  }

  /**
   * Checks that `source` can become version `version` of `service` without changing anything:
   * the directory exists and has the entry point; the label is free or already holds the same bytes.
   */
  check(service: string, kind: WorkloadKind, version: string, source: string): { digest: string; exists: boolean } {
    parseVersionLabel(version);
    if (!existsSync(source) || !statSync(source).isDirectory()) {
      throw new UserError('E_ARTIFACT', `artifact ${source} is not a directory; give --artifact DIR with the build to deploy`);
    }
    const entry = ENTRY_POINTS[kind];
    if (!existsSync(join(source, entry))) {
      throw new UserError(
        'E_ARTIFACT',
        `artifact ${source} has no entry point ${entry}: a ${kind === 'web' ? 'web service' : 'serverless service'} build needs ` +
          `${entry} at its top (${kind === 'web' ? 'a Node HTTP server listening on $PORT' : 'a module exporting handler(event)'})`,
      );
    }
    const digest = digestDir(source);
    const existing = this.get(service, version);
    if (existing && existing.digest !== digest) {
      throw new UserError(
        'E_VERSION_EXISTS',
        `${service} version ${version} already exists with different content (built from ${existing.source}); ` +
          'versions are immutable: give the new build a new --version label',
      );
    }
    return { digest, exists: existing !== undefined };
  }

  /** Copies `source` in as `version` (atomically: a temporary directory renamed into place). */
  put(service: string, kind: WorkloadKind, version: string, source: string): BuildInfo {
    const { digest, exists } = this.check(service, kind, version, source);
    if (exists) return this.get(service, version)!;
    const target = this.dir(service, version);
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    cpSync(source, tmp, { recursive: true });
    if (kind === 'lambda') writeFileSync(join(tmp, LAMBDA_HOST_FILE), LAMBDA_HOST_SOURCE);
    const info = { service, version, kind, digest, source, createdAt: new Date().toISOString() };
    writeFileSync(join(tmp, 'build.json'), JSON.stringify(info, null, 2) + '\n');
    renameSync(tmp, target);
    return { ...info, dir: target };
  }
}
