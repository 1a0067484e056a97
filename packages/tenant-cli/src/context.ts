import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ControlPlane, LocalProvider, SqliteStore, Store, TemplateName, UserError } from '@tenant-waves/control-plane';
import { LocalReleases } from '@tenant-waves/wave-orchestrator';
import { AwsContext, openAwsContext } from './aws-context';
import { Parsed } from './command';
import { Io } from './io';

/** Everything a command works with on the local backend, opened from the state directory. */
export interface Context {
  readonly stateDir: string;
  readonly store: SqliteStore;
  readonly provider: LocalProvider;
  readonly controlPlane: ControlPlane;
  readonly releases: LocalReleases;
  close(): void;
}

export function stateDirOf(args: Parsed, io: Io): string {
  return resolve(io.cwd, (args.values['state-dir'] as string | undefined) ?? (io.env.TENANT_STATE_DIR || '.tenants'));
}

/** Opens (creating, mode 0700 / 0600) the state directory and its database. */
export async function openContext(args: Parsed, io: Io): Promise<Context> {
  const stateDir = stateDirOf(args, io);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const store = await SqliteStore.open(join(stateDir, 'state.db'));
  const healthTimeoutMs = io.env.TENANT_HEALTH_TIMEOUT_MS ? Number(io.env.TENANT_HEALTH_TIMEOUT_MS) : undefined;
  const provider = new LocalProvider(store, stateDir, { healthTimeoutMs });
  const controlPlane = new ControlPlane(store, provider);
  return { stateDir, store, provider, controlPlane, releases: new LocalReleases(controlPlane, provider), close: () => store.close() };
}

/** What every backend offers a command: the registry and ledger, the provider, the operations. */
export interface AnyContext {
  readonly backend: 'local' | 'aws';
  readonly store: Store;
  readonly controlPlane: ControlPlane;
  readonly local?: Context;
  readonly aws?: AwsContext;
}

/** Opens the backend `--backend` (or $TENANT_BACKEND) names, runs `fn`, closes it. */
export async function withBackend<T>(args: Parsed, io: Io, fn: (ctx: AnyContext) => Promise<T>): Promise<T> {
  const backend = (args.values.backend as string | undefined) ?? (io.env.TENANT_BACKEND || 'local');
  if (backend === 'aws') {
    const aws = await openAwsContext(io);
    try {
      return await fn({ backend: 'aws', store: aws.store, controlPlane: aws.controlPlane, aws });
    } finally {
      aws.close();
    }
  }
  return withContext(args, io, (local) => fn({ backend: 'local', store: local.store, controlPlane: local.controlPlane, local }));
}

/** Runs `fn` with an open context and closes it afterwards. */
export async function withContext<T>(args: Parsed, io: Io, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await openContext(args, io);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

/** The build `tenant release` deploys when no --artifact is given: the workload package's bundle. */
export function defaultArtifact(template: Exclude<TemplateName, 'env-template'>): string {
  const [pkg, dir] = template === 'serverless-service' ? ['@tenant-waves/saas-lambda', 'dist/index'] : ['@tenant-waves/saas-web', 'dist/main'];
  let path: string;
  try {
    path = join(dirname(require.resolve(`${pkg}/package.json`)), dir);
  } catch {
    throw new UserError('E_NOT_BUILT', `${pkg} is not installed next to the CLI; give the build to deploy with --artifact DIR`);
  }
  if (!existsSync(path)) {
    throw new UserError('E_NOT_BUILT', `the ${pkg} bundle is missing (${path}); build it with \`npx nx run ${pkg}:bundle\`, or give --artifact DIR`);
  }
  return path;
}
