import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isActive, parseVersionLabel, RolloutView, UserError } from '@tenant-waves/control-plane';
import { RolloutOptions } from '@tenant-waves/wave-orchestrator';
import { Command, flag, Parsed, positionals, str } from '../command';
import { AnyContext, Context, defaultArtifact, withBackend, withContext } from '../context';
import { Io } from '../io';
import { dash, printJson, say, table } from '../output';
import { describeRollout, follow } from '../progress';

function wholeNumber(value: string, option: string, min: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UserError('E_OPTION', `${option} must be a whole number of ${min} or more, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** The rollout options a release's flags set; each flag checked, with the flag's name in the error. */
export function releaseOptions(args: Parsed): Partial<RolloutOptions> {
  const options: { -readonly [K in keyof RolloutOptions]?: RolloutOptions[K] } = {};
  const approval = str(args, 'approval');
  if (approval !== undefined) {
    if (approval !== 'auto' && approval !== 'manual') throw new UserError('E_OPTION', `--approval must be auto or manual, got ${JSON.stringify(approval)}`);
    options.gate = approval;
  }
  if (str(args, 'bake') !== undefined) options.bakeSeconds = wholeNumber(str(args, 'bake')!, '--bake', 0);
  if (str(args, 'concurrency') !== undefined) options.concurrency = wholeNumber(str(args, 'concurrency')!, '--concurrency', 1);
  const mf = str(args, 'max-failures');
  if (mf !== undefined) {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(mf.trim());
    if (m) {
      if (Number(m[1]) > 100) throw new UserError('E_OPTION', `--max-failures ${mf}: a percentage is 0% to 100%`);
      options.maxFailures = { percent: Number(m[1]) };
    } else {
      options.maxFailures = { count: wholeNumber(mf, '--max-failures (N or P%)', 0) };
    }
  }
  return options;
}

/** Where the `tenant` binary is, to start a detached `tenant resume`. */
function tenantBin(): string {
  const candidates = [require.main?.filename, join(__dirname, '..', '..', 'bin', 'tenant.js'), join(__dirname, '..', 'bin', 'tenant.js')];
  const found = candidates.find((c) => c && /tenant\.js$/.test(c) && existsSync(c));
  if (!found) throw new Error('cannot find bin/tenant.js to run the rollout in the background');
  return found;
}

/** Runs a recorded rollout in the foreground with progress; exit 0 when it succeeded, 1 otherwise, 130 when interrupted. */
async function runForeground(ctx: Context, rolloutId: string, args: Parsed, io: Io): Promise<number> {
  const json = flag(args, 'json');
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const running = ctx.releases.run(rolloutId, { signal: abort.signal });
  let view: RolloutView;
  try {
    view = await follow(ctx.controlPlane, rolloutId, io, json, running);
    await running;
  } catch (e) {
    if (!abort.signal.aborted) throw e;
    say(io, json, `Interrupted. Rollout ${rolloutId} is left as it was; continue it with: tenant resume ${rolloutId}`);
    return 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  view = await ctx.controlPlane.rolloutView(rolloutId);
  if (json) printJson(io, view);
  else if (!io.isTTY) io.out(`rollout ${rolloutId} ${view.status}${view.reason ? `: ${view.reason}` : ''}\n`);
  return view.status === 'SUCCEEDED' ? 0 : 1;
}

export const releaseCommand: Command = {
  name: 'release',
  summary: 'Roll a new version of a service out to every tenant, wave by wave',
  usage: 'tenant release <service> --version <label> [--artifact DIR] [--approval auto|manual] [--bake SECONDS] [--max-failures N|P%] [--concurrency N] [--detach]',
  help: `Keeps the build as version <label> (under <state-dir>/builds/, so earlier versions stay
runnable for rollback), plans the waves once, and runs the orchestrator's state machine: each
wave deploys its tenants (new process started, /health checked, then the old one retired),
counts failures against --max-failures, bakes, then passes its gate. Beyond the threshold the
wave is rolled back and the rollout stops (exit 1). Only one rollout per service runs at a time.

On a terminal the progress is redrawn per wave and per tenant; piped, it prints one line per
change. At a manual gate it prints the command that approves it and waits for it (run from
another terminal). Ctrl-C leaves the rollout as it is; \`tenant resume <id>\` continues it.

Options:
  --version LABEL      the version label (letters, digits, . _ -); a label always means the same bytes
  --artifact DIR       the build to ship: a directory with server.js (fargate-service: a Node HTTP
                       server on $PORT with GET /health) or index.js (serverless-service: exports
                       handler); default: the workload package's bundle (saas-web / saas-lambda)
  --approval MODE      auto (default): continue after the bake time; manual: wait for tenant approve
  --bake SECONDS       wait after each healthy wave before its gate (default 0)
  --max-failures N|P%  failures a wave tolerates, as a count or a percentage (default 0)
  --concurrency N      tenants deployed at once within a wave (default 10)
  --detach             start the rollout in the background and return; follow it with tenant rollout

Exit codes: 0 the rollout succeeded (or, with --detach, started); 1 it failed, was rolled back
or rejected; 2 bad input (nothing was changed); 130 interrupted (resumable).

--json prints the rollout (see tenant rollout --json) when it ends, or when it has started with --detach.

Examples:
  tenant release saas-web --version v2
  tenant release saas-web --version v3 --approval manual --bake 30 --max-failures 10%
  tenant release saas-web --version broken --artifact ./my-broken-build`,
  options: {
    'version': { type: 'string' },
    'artifact': { type: 'string' },
    'approval': { type: 'string' },
    'bake': { type: 'string' },
    'max-failures': { type: 'string' },
    'concurrency': { type: 'string' },
    'detach': { type: 'boolean' },
  },
  backends: ['local', 'aws'],
  async run(args, io) {
    const { service } = positionals(this, args, ['service']);
    const onAws = ((args.values.backend as string | undefined) ?? io.env.TENANT_BACKEND) === 'aws';
    // On AWS the version is what the service's pipeline built: an image URI or an S3 key.
    const version = onAws ? str(args, 'version') : parseVersionLabel(str(args, 'version'));
    if (!version) parseVersionLabel(version);
    const options = releaseOptions(args);
    const json = flag(args, 'json');
    if (onAws) return withBackend(args, io, (any) => releaseOnAws(any, service!, version!, options, args, io));
    return withContext(args, io, async (ctx) => {
      const svc = await ctx.controlPlane.requireService(service!);
      const artifactDir = str(args, 'artifact') !== undefined ? resolve(io.cwd, str(args, 'artifact')!) : defaultArtifact(svc.template);
      const input = await ctx.releases.prepare({ service: svc.name, version: version!, artifactDir, options });
      const view = await ctx.controlPlane.rolloutView(input.rolloutId);
      if (flag(args, 'detach')) {
        const logDir = join(ctx.stateDir, 'logs', 'rollouts');
        mkdirSync(logDir, { recursive: true, mode: 0o700 });
        const log = join(logDir, `${input.rolloutId}.log`);
        const fd = openSync(log, 'a', 0o600);
        const child = spawn(process.execPath, [tenantBin(), 'resume', input.rolloutId, '--state-dir', ctx.stateDir], {
          detached: true, stdio: ['ignore', fd, fd], env: process.env,
        });
        child.unref();
        closeSync(fd);
        if (json) printJson(io, view);
        else io.out(`Rollout ${input.rolloutId} started in the background (pid ${child.pid}, log ${log}).\nFollow it: tenant rollout ${input.rolloutId}\n`);
        return 0;
      }
      const gate = options.gate ?? 'auto';
      say(io, json, `Rollout ${input.rolloutId}: ${svc.name} → ${version} (${gate} approval${options.bakeSeconds ? `, bake ${options.bakeSeconds} s` : ''}). Ctrl-C pauses it; tenant resume ${input.rolloutId} continues.`);
      return runForeground(ctx, input.rolloutId, args, io);
    });
  },
};

/** A release on the AWS backend: Step Functions runs it; this follows the ledger (or returns, with --detach). */
async function releaseOnAws(
  ctx: AnyContext, service: string, version: string, options: Partial<RolloutOptions>, args: Parsed, io: Io,
): Promise<number> {
  if (str(args, 'artifact') !== undefined) {
    throw new UserError('E_OPTION', '--artifact is for the local backend; on AWS, --version is the image URI or S3 key the service pipeline built');
  }
  const json = flag(args, 'json');
  const svc = await ctx.controlPlane.requireService(service);
  const input = await ctx.aws!.rollouts(svc.name).release(ctx.controlPlane, { service: svc.name, target: version, options });
  if (flag(args, 'detach')) {
    const view = await ctx.controlPlane.rolloutView(input.rolloutId);
    if (json) printJson(io, view);
    else io.out(`Rollout ${input.rolloutId} started on Step Functions (${(await ctx.store.getExecution(input.rolloutId))?.runner}).\nFollow it: tenant rollout ${input.rolloutId} --backend aws\n`);
    return 0;
  }
  say(io, json, `Rollout ${input.rolloutId}: ${svc.name} → ${version}, on Step Functions. Ctrl-C stops watching, not the rollout.`);
  const done = (async () => {
    for (;;) {
      const r = await ctx.store.getRollout(input.rolloutId);
      if (r && !isActive(r.status)) return;
      await new Promise((res) => setTimeout(res, 2000));
    }
  })();
  await follow(ctx.controlPlane, input.rolloutId, io, json, done);
  const view = await ctx.controlPlane.rolloutView(input.rolloutId);
  if (json) printJson(io, view);
  else if (!io.isTTY) io.out(`rollout ${input.rolloutId} ${view.status}${view.reason ? `: ${view.reason}` : ''}\n`);
  return view.status === 'SUCCEEDED' ? 0 : 1;
}

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Continue a rollout that was interrupted (its process was killed, the machine restarted)',
  usage: 'tenant resume <rolloutId>',
  help: `Runs the rollout's state machine again from its recorded input and plan. Every step is
idempotent: tenants already deployed are not deployed again, none is skipped, and a manual gate
already approved stays approved. Refused while another live process runs the rollout. A
rollout that has ended is reported as it ended (exit 0 if it succeeded, else 1).

Example:
  tenant resume saas-web-20261204101500-1a2b`,
  options: {},
  async run(args, io) {
    const { rolloutId } = positionals(this, args, ['rolloutId']);
    return withContext(args, io, async (ctx) => {
      const { record, ended } = await ctx.releases.resumable(rolloutId!);
      if (ended) {
        const view = await ctx.controlPlane.rolloutView(record.rolloutId);
        if (flag(args, 'json')) printJson(io, view);
        else io.out(`Rollout ${record.rolloutId} has already ended: ${record.status}${record.reason ? ` (${record.reason})` : ''}; nothing to resume.\n`);
        return record.status === 'SUCCEEDED' ? 0 : 1;
      }
      say(io, flag(args, 'json'), `Resuming rollout ${record.rolloutId}: ${record.service} → ${record.target}`);
      return runForeground(ctx, record.rolloutId, args, io);
    });
  },
};

export const rolloutsCommand: Command = {
  name: 'rollouts',
  summary: 'Every rollout, newest first',
  usage: 'tenant rollouts [--service S] [--json]',
  help: `Lists rollouts (releases and single-tenant rollbacks) with their status. A RUNNING rollout
whose process is gone is marked: continue it with tenant resume <id>.

--json prints an array of {rolloutId, service, version, status, startedAt}, newest first.

Example:
  tenant rollouts --service saas-web`,
  options: { service: { type: 'string' } },
  backends: ['local', 'aws'],
  async run(args, io) {
    positionals(this, args, []);
    return withBackend(args, io, async (ctx) => {
      if (str(args, 'service') !== undefined) await ctx.controlPlane.requireService(str(args, 'service')!);
      const all = await ctx.store.listRollouts(str(args, 'service'));
      if (flag(args, 'json')) {
        printJson(io, all.map((r) => ({ rolloutId: r.rolloutId, service: r.service, version: r.target, status: r.status, startedAt: r.startedAt })));
        return 0;
      }
      if (!all.length) {
        io.out('No rollouts yet. Start one: tenant release <service> --version v1\n');
        return 0;
      }
      const rows = [];
      for (const r of all) {
        const active = isActive(r.status);
        const orphan = active && ctx.local !== undefined && (await ctx.local.releases.runner(r.rolloutId)) === undefined;
        rows.push([r.rolloutId, r.service, r.target, r.status, r.startedAt, orphan ? `no process runs it: tenant resume ${r.rolloutId}` : dash(r.reason)]);
      }
      io.out(table(['ROLLOUT', 'SERVICE', 'VERSION', 'STATUS', 'STARTED', 'NOTE'], rows));
      return 0;
    });
  },
};

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'One rollout: its waves, each tenant\'s deployment and the gate',
  usage: 'tenant rollout <rolloutId> [--json]',
  backends: ['local', 'aws'],
  help: `Shows the rollout's plan and progress from the ledger: per wave its status, per tenant the
from and to version, status and timing; at a manual gate, the command that approves it.

--json prints {rolloutId, service, version, status, waves: [{wave, status, tenants: [{tenantId,
status, fromVersion, toVersion, startedAt, finishedAt}]}]} (plus reason, startedAt, finishedAt,
waitingWave). Rollout status: RUNNING, WAITING_APPROVAL, SUCCEEDED, FAILED, ROLLED_BACK,
REJECTED; wave and tenant status also PENDING (not started) and IN_PROGRESS.

Example:
  tenant rollout saas-web-20261204101500-1a2b --json`,
  options: {},
  async run(args, io) {
    const { rolloutId } = positionals(this, args, ['rolloutId']);
    return withBackend(args, io, async (ctx) => {
      const view = await ctx.controlPlane.rolloutView(rolloutId!);
      // On AWS, Step Functions' own view of the execution too (it may have failed outside any task).
      const arn = ctx.aws ? (await ctx.store.getExecution(view.rolloutId))?.runner : undefined;
      const execution = ctx.aws && arn?.startsWith('arn:') ? { arn, ...(await ctx.aws.rollouts(view.service).executionStatus(arn)) } : undefined;
      if (flag(args, 'json')) {
        printJson(io, execution ? { ...view, execution } : view);
      } else {
        io.out(describeRollout(view).join('\n') + '\n');
        if (execution) io.out(`  Step Functions: ${execution.status}${execution.error ? ` (${execution.error}: ${execution.cause ?? ''})` : ''}  ${execution.arn}\n`);
      }
      return 0;
    });
  },
};

async function decide(verb: 'approve' | 'reject', args: Parsed, io: Io, command: Command): Promise<number> {
  const { rolloutId } = positionals(command, args, ['rolloutId']);
  return withBackend(args, io, async (ctx) => {
    const rollback = flag(args, 'rollback');
    let r;
    let runner: number | string | undefined;
    if (ctx.aws) {
      // On AWS the decision is carried to the waiting execution with the task token from the approval queue.
      r = await ctx.controlPlane.assertWaiting(rolloutId!, verb);
      const aws = ctx.aws.rollouts(r.service);
      if (verb === 'approve') await aws.approve(r.rolloutId, r.waitingWave!);
      else await aws.reject(r.rolloutId, r.waitingWave!, rollback);
      runner = (await ctx.store.getExecution(r.rolloutId))?.runner;
    } else {
      r = verb === 'approve' ? await ctx.controlPlane.approve(rolloutId!) : await ctx.controlPlane.reject(rolloutId!, rollback);
      runner = await ctx.local!.releases.runner(r.rolloutId);
    }
    if (flag(args, 'json')) {
      printJson(io, { rolloutId: r.rolloutId, wave: r.waitingWave, decision: verb === 'approve' ? 'APPROVED' : 'REJECTED', rollback, runner: runner ?? null });
    } else {
      io.out(verb === 'approve'
        ? `Approved the gate after wave ${r.waitingWave} of ${r.rolloutId}; the rollout moves on to the next wave.\n`
        : `Rejected the gate after wave ${r.waitingWave} of ${r.rolloutId}; the rollout stops${rollback ? ` and rolls wave ${r.waitingWave} back` : ''}.\n`);
      if (runner === undefined) io.out(`No process is running ${r.rolloutId} now: the decision is recorded; carry it out with: tenant resume ${r.rolloutId}\n`);
    }
    return 0;
  });
}

export const approveCommand: Command = {
  name: 'approve',
  summary: 'Approve the manual gate a rollout is waiting at',
  usage: 'tenant approve <rolloutId>',
  backends: ['local', 'aws'],
  help: `Records the approval of the gate the rollout is waiting at; the process running the rollout
picks it up within a second and starts the next wave. Refused (exit 2) unless the rollout is
waiting for approval.

Example:
  tenant approve saas-web-20261204101500-1a2b`,
  options: {},
  run(args, io) {
    return decide('approve', args, io, this);
  },
};

export const rejectCommand: Command = {
  name: 'reject',
  summary: 'Reject the manual gate a rollout is waiting at (optionally rolling the wave back)',
  usage: 'tenant reject <rolloutId> [--rollback]',
  backends: ['local', 'aws'],
  help: `Stops the rollout at its gate: later waves are not deployed and the rollout ends REJECTED.
With --rollback, the tenants of the wave that was waiting go back to their previous version.

Example:
  tenant reject saas-web-20261204101500-1a2b --rollback`,
  options: { rollback: { type: 'boolean' } },
  run(args, io) {
    return decide('reject', args, io, this);
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Put one tenant\'s instance of a service back on its previous version',
  usage: 'tenant rollback <service> <tenantId>',
  help: `Starts the instance's previous build again (kept in the state directory), checks its
/health, then retires the current one; recorded in the ledger as a rollout of its own. Rolling
back twice returns to where it started. Refused while a rollout of the service is running.

Example:
  tenant rollback saas-web tenantB`,
  options: {},
  async run(args, io) {
    const { service, tenantId } = positionals(this, args, ['service', 'tenantId']);
    return withContext(args, io, async (ctx) => {
      const r = await ctx.controlPlane.rollbackInstance(service!, tenantId!);
      if (flag(args, 'json')) printJson(io, await ctx.controlPlane.rolloutView(r.rolloutId));
      else io.out(r.ok ? `${service} on ${tenantId}: ${r.from} → ${r.to} (rollout ${r.rolloutId})\n` : `Rollback of ${service} on ${tenantId} to ${r.to} failed: ${r.reason}\n`);
      return r.ok ? 0 : 1;
    });
  },
};
