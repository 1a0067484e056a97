import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_PLACEMENT, renderTemplate, UserError } from '@tenant-waves/control-plane';
import { planWaves } from '@tenant-waves/wave-orchestrator';
import { Command } from '../command';

/** The seed's tenants: A premium silo in wave 1; B standard silo and C basic pool in wave 2. */
const TENANTS = ([
  { tenantId: 'tenantA', tier: 'premium', wave: 1, environment: 'tenantAEnv', namespace: 't1.saasapplication.com' },
  { tenantId: 'tenantB', tier: 'standard', wave: 2, environment: 'tenantBEnv', namespace: 't2.saasapplication.com' },
  { tenantId: 'tenantC', tier: 'basic', wave: 2, environment: 'poolBasicEnv', namespace: 'pool.saasapplication.com' },
] as const).map((t) => ({ ...t, placement: DEFAULT_PLACEMENT[t.tier] }));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

async function waitHealthy(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`${url}/health did not answer within ${timeoutMs} ms (${last})`);
}

export const walkthroughCommand: Command = {
  name: 'walkthrough',
  summary: 'The story on this machine: render tenant environments, plan waves, run the sample app per tenant',
  usage: 'tenant walkthrough [--state-dir DIR] [--keep-running]',
  help: `What \`npm start\` runs. On the local backend, with no cloud account, it:
  1. renders the environment template for the seed's tenants (tenantA premium/silo,
     tenantB standard/silo, tenantC basic/pool) and both service templates for each tenant,
     keeping the CloudFormation under <state-dir>/rendered/;
  2. plans the waves from each tenant's wave number;
  3. wave by wave, starts the saas-web sample for each tenant as a local process and checks
     its /health over HTTP;
  4. prints a table of tenants, tiers, waves and URLs, then stops the processes
     (unless --keep-running).

This is a preview of the full walkthrough: the registry, releases, approvals and rollbacks
come with the control plane and the \`tenant release\` command.

Options:
  --state-dir DIR    where rendered templates go (default: $TENANT_STATE_DIR or ./.tenants)
  --keep-running     leave the sample processes running; stop them with Ctrl-C

Example:
  tenant walkthrough --state-dir /tmp/demo`,
  options: { 'keep-running': { type: 'boolean' } },
  async run(args, io) {
    const stateDir = resolve(io.cwd, (args.values['state-dir'] as string | undefined) ?? io.env.TENANT_STATE_DIR ?? '.tenants');
    const renderedDir = join(stateDir, 'rendered');
    mkdirSync(renderedDir, { recursive: true, mode: 0o700 });
    const say = (line: string) => io.out(line + '\n');

    say(`Step 1/4  Render templates (CloudFormation kept in ${renderedDir})`);
    const environments = new Map<string, (typeof TENANTS)[number]>();
    for (const t of TENANTS) if (!environments.has(t.environment)) environments.set(t.environment, t);
    for (const [envName, t] of environments) {
      const started = Date.now();
      const template = await renderTemplate('env-template', { service_discovery_namespace: t.namespace }, {
        tenantId: t.placement === 'pool' ? `pool-${t.tier}` : t.tenantId,
        service: 'environment',
        tier: t.tier,
      });
      writeFileSync(join(renderedDir, `${envName}.template.json`), JSON.stringify(template, null, 2));
      say(`  ${envName.padEnd(14)} env-template        ${Object.keys(template.Resources).length} resources  ${Date.now() - started} ms`);
    }
    for (const t of TENANTS) {
      for (const [service, template] of [['saas-web', 'fargate-service'], ['saas-lambda', 'serverless-service']] as const) {
        const started = Date.now();
        const inputs = template === 'serverless-service' ? { lambda_artifact_bucket: `${t.tenantId.toLowerCase()}-artifacts` } : {};
        const rendered = await renderTemplate(template, inputs, { tenantId: t.tenantId, service, tier: t.tier });
        writeFileSync(join(renderedDir, `${t.tenantId}-${service}.template.json`), JSON.stringify(rendered, null, 2));
        say(`  ${`${t.tenantId}`.padEnd(14)} ${template.padEnd(19)} ${Object.keys(rendered.Resources).length} resources  ${Date.now() - started} ms`);
      }
    }

    say('Step 2/4  Plan waves from each tenant\'s deployment_wave_number');
    const plan = planWaves(TENANTS.map((t) => ({ name: t.tenantId, wave: t.wave })));
    for (const w of plan.waves) say(`  wave ${w.wave}: ${w.instances.join(', ')}`);

    say('Step 3/4  Run saas-web v1 for each tenant, wave by wave, checking /health');
    let server: string;
    try {
      server = join(dirname(require.resolve('@tenant-waves/saas-web/package.json')), 'dist', 'main', 'server.js');
      accessSync(server);
    } catch {
      throw new UserError('E_NOT_BUILT', 'the saas-web bundle is missing; run `npx nx run-many -t bundle` (npm start does this for you)');
    }
    const children: ChildProcess[] = [];
    const rows: { tenant: string; tier: string; placement: string; wave: number; url: string; version: string }[] = [];
    try {
      for (const w of plan.waves) {
        for (const tenantId of w.instances) {
          const t = TENANTS.find((x) => x.tenantId === tenantId)!;
          const port = await freePort();
          const child = spawn(process.execPath, [server], {
            env: { ...io.env, TENANT_ID: t.tenantId, TENANT_TIER: t.tier, APP_VERSION: 'v1', PORT: String(port), HOST: '127.0.0.1' },
            stdio: 'ignore',
          });
          children.push(child);
          const url = `http://127.0.0.1:${port}`;
          const health = await waitHealthy(url, 10_000);
          rows.push({ tenant: t.tenantId, tier: t.tier, placement: t.placement, wave: w.wave, url, version: String(health.version) });
          say(`  wave ${w.wave}  ${t.tenantId}  healthy at ${url} (pid ${child.pid})`);
        }
        say(`  wave ${w.wave} done`);
      }

      say('Step 4/4  Tenants');
      const header = ['TENANT', 'TIER', 'PLACEMENT', 'WAVE', 'SAAS-WEB', 'URL'];
      const table = [header, ...rows.map((r) => [r.tenant, r.tier, r.placement, String(r.wave), r.version, r.url])];
      const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
      for (const row of table) say('  ' + row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
      if (args.values['keep-running']) {
        say('Processes keep running; press Ctrl-C to stop them.');
        await new Promise<void>((r) => process.once('SIGINT', () => r()));
      }
    } finally {
      for (const child of children) child.kill('SIGTERM');
    }
    say('Done. Next (coming with the control plane): tenant release saas-web --version v2 --approval manual');
    return 0;
  },
};

