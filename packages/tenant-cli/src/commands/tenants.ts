import { readFileSync } from 'node:fs';
import { EnvironmentSpec, parsePlacement, parseTier, parseTenantId, parseServiceName, UserError } from '@tenant-waves/control-plane';
import { Command, flag, positionals, str } from '../command';
import { withBackend, withContext } from '../context';
import { dash, printJson, table } from '../output';
import { readSpecFile } from './render';

export const onboardCommand: Command = {
  name: 'onboard',
  summary: 'Onboard a tenant: its environment (silo or its tier\'s pool) and one instance of every service',
  usage: 'tenant onboard <tenantId> --tier basic|standard|premium [--wave N] [--placement silo|pool] [--set key=value]... [--spec FILE]',
  help: `Registers the tenant, renders its environment from env-template (its own for silo tenants;
the tier's shared pool environment for pool tenants, created with the first one) and one
instance of every service, and keeps the rendered CloudFormation in the state directory
(tenant show <tenantId> --template environment prints it). Nothing is deployed: the next
\`tenant release\` does that, wave by wave.

Options:
  --tier T           basic, standard or premium: picks the templates' tier profiles
  --wave N           the tenant's deployment_wave_number (1 goes first); without it the tenant
                     goes in the last wave of each rollout
  --placement P      silo (own environment) or pool (shared per tier); default: basic → pool,
                     standard and premium → silo
  --set key=value    an env-template input (silo only), e.g. vpc_cidr_block=10.1.0.0/16; repeatable
  --spec FILE        a "proton: EnvironmentSpec" file (YAML or JSON) with env-template inputs
  --account ID       (--backend aws) the tenant's own AWS account: its stacks go there, created
  --region R         through the role --role (default TenantWavesDeployment) assumed there
  --role NAME

The same onboard twice is a no-op that says so; different settings for an existing tenant are
refused (exit 2): change waves with \`tenant set-wave\`, anything else by offboarding first.

Examples:
  tenant onboard tenantA --tier premium --wave 1
  tenant onboard tenantC --tier basic --wave 2 --placement pool
  tenant onboard tenantD --tier standard --spec files/tenantD-env-spec.yaml`,
  options: {
    tier: { type: 'string' },
    wave: { type: 'string' },
    placement: { type: 'string' },
    set: { type: 'string', multiple: true },
    spec: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    role: { type: 'string' },
  },
  backends: ['local', 'aws'],
  async run(args, io) {
    const { tenantId } = positionals(this, args, ['tenantId']);
    parseTenantId(tenantId);
    const tierText = str(args, 'tier');
    if (!tierText) throw new UserError('E_USAGE', `missing --tier (basic, standard or premium)\nUsage: ${this.usage}`);
    const tier = parseTier(tierText);
    const placement = str(args, 'placement') === undefined ? undefined : parsePlacement(str(args, 'placement')!);
    const wave = str(args, 'wave');
    const account = str(args, 'account');
    const region = str(args, 'region');
    if ((account === undefined) !== (region === undefined)) throw new UserError('E_USAGE', '--account and --region go together: the tenant\'s account and the region its stacks go to');
    if (str(args, 'role') !== undefined && account === undefined) throw new UserError('E_USAGE', '--role needs --account and --region');
    if (account !== undefined && ((args.values.backend as string | undefined) ?? io.env.TENANT_BACKEND) !== 'aws') {
      throw new UserError('E_BACKEND', '--account is for the AWS backend (--backend aws): the local backend runs every tenant on this machine');
    }
    const target = account !== undefined ? { account, region: region!, ...(str(args, 'role') ? { roleName: str(args, 'role') } : {}) } : undefined;
    let spec: EnvironmentSpec | undefined;
    if (str(args, 'spec')) {
      const parsed = readSpecFile(str(args, 'spec')!, io.cwd);
      if (parsed.kind !== 'EnvironmentSpec') throw new UserError('E_SPEC_KIND', `${str(args, 'spec')}: onboard takes a "proton: EnvironmentSpec" file, got ${parsed.kind}`);
      spec = parsed;
    }
    return withBackend(args, io, async ({ controlPlane }) => {
      const result = await controlPlane.onboard({
        tenantId: tenantId!,
        tier,
        placement,
        spec,
        target,
        wave,
        sets: (args.values.set as string[] | undefined) ?? [],
      });
      if (flag(args, 'json')) {
        printJson(io, { changed: result.changed, tenant: result.value, notes: result.notes });
      } else {
        const t = result.value;
        io.out(result.changed ? `Onboarded ${t.tenantId}: ${t.tier}, ${t.placement} (environment ${t.environment}), wave ${dash(t.wave)}\n` : '');
        for (const n of result.notes) io.out(`  ${n}\n`);
      }
      return 0;
    });
  },
};

export const offboardCommand: Command = {
  name: 'offboard',
  summary: 'Remove a tenant: stop and remove its instances, and its environment unless other pool tenants use it',
  usage: 'tenant offboard <tenantId> --yes',
  help: `Stops the tenant's running instances, removes their rendered templates and registry
entries, and its environment (a pool environment stays while other tenants use it). The
deployment history stays in the ledger (tenant history <tenantId>). Refused while a running
rollout includes the tenant. Needs --yes: there is no undo.

Example:
  tenant offboard tenantC --yes`,
  options: { yes: { type: 'boolean' } },
  async run(args, io) {
    const { tenantId } = positionals(this, args, ['tenantId']);
    parseTenantId(tenantId);
    if (!flag(args, 'yes')) {
      throw new UserError('E_CONFIRM', `offboarding ${tenantId} stops and removes its instances and environment; to go ahead, run: tenant offboard ${tenantId} --yes`);
    }
    return withContext(args, io, async ({ controlPlane }) => {
      const result = await controlPlane.offboard(tenantId!);
      if (flag(args, 'json')) printJson(io, { changed: true, tenantId: result.value.tenantId, notes: result.notes });
      else io.out(`Offboarded ${result.value.tenantId}\n${result.notes.map((n) => `  ${n}\n`).join('')}`);
      return 0;
    });
  },
};

export const listCommand: Command = {
  name: 'list',
  summary: 'Tenants with their tier, placement, wave, environment and instances',
  usage: 'tenant list [--json]',
  backends: ['local', 'aws'],
  help: `One line per tenant and service instance: tier, placement, wave, environment, the version the
instance runs, whether its process is serving (RUNNING, STOPPED, NOT_DEPLOYED) and its URL
under \`tenant serve\`.

--json prints an array of
  {tenantId, tier, placement, wave, environment: {name, status}, instances: [{service, version, status, url}]}

Example:
  tenant list --json`,
  options: {},
  async run(args, io) {
    positionals(this, args, []);
    return withBackend(args, io, async ({ controlPlane }) => {
      const views = await controlPlane.tenantViews();
      if (flag(args, 'json')) {
        printJson(io, views);
        return 0;
      }
      if (!views.length) {
        io.out('No tenants yet. Onboard one: tenant onboard tenantA --tier premium --wave 1\n');
        return 0;
      }
      const rows: string[][] = [];
      for (const v of views) {
        const instances = v.instances.length ? v.instances : [{ service: '-', version: null, status: '-', url: null }];
        instances.forEach((i, n) => rows.push([
          n === 0 ? v.tenantId : '', n === 0 ? v.tier : '', n === 0 ? v.placement : '', n === 0 ? dash(v.wave) : '', n === 0 ? v.environment.name : '',
          i.service, dash(i.version), i.status, dash(i.url),
        ]));
      }
      io.out(table(['TENANT', 'TIER', 'PLACEMENT', 'WAVE', 'ENVIRONMENT', 'SERVICE', 'VERSION', 'STATUS', 'URL'], rows));
      return 0;
    });
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'One tenant in detail; --template prints its rendered CloudFormation',
  usage: 'tenant show <tenantId> [--template environment|<service>] [--json]',
  help: `Shows the tenant's settings, its environment (inputs, rendered template file) and each
service instance (inputs, version, previous version, process and port, rendered template).

Options:
  --template environment   print the environment's rendered CloudFormation template (JSON)
  --template <service>     print the tenant's instance of <service> as rendered

Examples:
  tenant show tenantA
  tenant show tenantA --template saas-web`,
  options: { template: { type: 'string' } },
  async run(args, io) {
    const { tenantId } = positionals(this, args, ['tenantId']);
    return withContext(args, io, async ({ controlPlane, store }) => {
      const detail = await controlPlane.tenantDetail(tenantId!);
      const which = str(args, 'template');
      if (which !== undefined) {
        let file: string | undefined;
        if (which === 'environment') file = detail.environmentDetail?.location;
        else file = (await store.getInstance(parseServiceName(which), detail.tenantId))?.location;
        if (!file) {
          const names = ['environment', ...detail.instances.map((i) => i.service)];
          throw new UserError('E_UNKNOWN_TEMPLATE', `${detail.tenantId} has no rendered template "${which}"; choose one of: ${names.join(', ')}`);
        }
        io.out(readFileSync(file, 'utf8'));
        return 0;
      }
      if (flag(args, 'json')) {
        printJson(io, detail);
        return 0;
      }
      io.out(`Tenant ${detail.tenantId}: ${detail.tier}, ${detail.placement}, wave ${dash(detail.wave)}, onboarded ${detail.createdAt}\n`);
      io.out(`Environment ${detail.environment.name} (${detail.environment.status})\n`);
      if (detail.environmentDetail) {
        io.out(`  template: ${detail.environmentDetail.location}\n  inputs:   ${JSON.stringify(detail.environmentDetail.inputs)}\n`);
      }
      for (const i of detail.instanceDetail) {
        io.out(`Instance ${i.service}: ${dash(i.version)} (previous ${dash(i.previousVersion)}), ${detail.instances.find((x) => x.service === i.service)?.status}\n`);
        io.out(`  process:  ${i.runtime?.pid ? `pid ${i.runtime.pid}, ${dash(i.endpoint)}` : '-'}\n  template: ${i.location}\n  inputs:   ${JSON.stringify(i.inputs)}\n`);
      }
      return 0;
    });
  },
};

export const setWaveCommand: Command = {
  name: 'set-wave',
  summary: 'Move a tenant to another deployment wave',
  usage: 'tenant set-wave <tenantId> <N>',
  backends: ['local', 'aws'],
  help: `Sets the tenant's deployment_wave_number: 1 goes first. Rollouts that have already started
keep the plan they computed; the next release uses the new wave.

Example:
  tenant set-wave tenantB 1`,
  options: {},
  async run(args, io) {
    const { tenantId, wave } = positionals(this, args, ['tenantId', 'wave']);
    return withBackend(args, io, async ({ controlPlane }) => {
      const result = await controlPlane.setWave(tenantId!, wave!);
      if (flag(args, 'json')) printJson(io, { changed: result.changed, tenant: result.value });
      else io.out(result.notes.join('\n') + '\n');
      return 0;
    });
  },
};

export const historyCommand: Command = {
  name: 'history',
  summary: 'The deployment ledger of a tenant\'s instances, oldest first',
  usage: 'tenant history <tenantId> [--service S] [--json]',
  backends: ['local', 'aws'],
  help: `Every deployment of the tenant's instances: service, from and to version, the rollout, its
status and timestamps, oldest first. Kept after offboarding.

--json prints an array of
  {service, fromVersion, toVersion, rolloutId, status, startedAt, finishedAt}

Example:
  tenant history tenantA --service saas-web`,
  options: { service: { type: 'string' } },
  async run(args, io) {
    const { tenantId } = positionals(this, args, ['tenantId']);
    parseTenantId(tenantId);
    return withBackend(args, io, async ({ controlPlane }) => {
      const entries = await controlPlane.history(tenantId!, str(args, 'service'));
      if (flag(args, 'json')) {
        printJson(io, entries.map((e) => ({
          service: e.service,
          fromVersion: e.fromVersion ?? null,
          toVersion: e.toVersion,
          rolloutId: e.rolloutId,
          status: e.status,
          startedAt: e.startedAt ?? null,
          finishedAt: e.finishedAt ?? null,
        })));
        return 0;
      }
      if (!entries.length) {
        io.out(`No deployments for ${tenantId} yet.\n`);
        return 0;
      }
      io.out(table(['STARTED', 'SERVICE', 'FROM', 'TO', 'STATUS', 'ROLLOUT', 'NOTE'],
        entries.map((e) => [dash(e.startedAt), e.service, dash(e.fromVersion), e.toVersion, e.status, e.rolloutId, e.reason ?? ''])));
      return 0;
    });
  },
};
