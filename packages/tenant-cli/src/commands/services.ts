import { ServiceSpec, TEMPLATE_NAMES, UserError } from '@tenant-waves/control-plane';
import { planWaves } from '@tenant-waves/wave-orchestrator';
import { Command, positionals, str, flag } from '../command';
import { withBackend } from '../context';
import { dash, printJson, table } from '../output';
import { readSpecFile } from './render';

export const serviceCommand: Command = {
  name: 'service',
  summary: 'Create a service (its template and pipeline inputs) or list the services',
  usage: 'tenant service create <name> --template fargate-service|serverless-service [--spec FILE] | tenant service list',
  help: `tenant service create <name> --template T [--spec FILE]
  Registers a service rendered from a service template, and renders one instance for every
  onboarded tenant (tenants onboarded later get theirs when they are onboarded).
  --template T   fargate-service (runs the saas-web workload) or serverless-service (saas-lambda)
  --spec FILE    a "proton: ServiceSpec" file (YAML or JSON): its pipeline inputs are validated
                 against the template; pipeline.totalwaves (or totalWaves), when given, is the
                 most waves the service rolls out in — no tenant may be in a later wave; its
                 instances give instance inputs to the tenants they name (by environment name,
                 tenant id, or an instance name starting with "<tenantId>-")
  The same create twice is a no-op that says so; an existing name with another template is
  refused (exit 2).

tenant service list
  The services, their templates and template versions.

Examples:
  tenant service create saas-web --template fargate-service
  tenant service create saas-lambda --template serverless-service --spec files/serverless-spec.yaml`,
  options: { template: { type: 'string' }, spec: { type: 'string' } },
  backends: ['local', 'aws'],
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub === 'list') {
      positionals(this, args, ['list']);
      return withBackend(args, io, async ({ store }) => {
        const services = await store.listServices();
        if (flag(args, 'json')) printJson(io, services);
        else if (!services.length) io.out('No services yet. Create one: tenant service create saas-web --template fargate-service\n');
        else io.out(table(['SERVICE', 'TEMPLATE', 'VERSION', 'TOTAL WAVES', 'CREATED'], services.map((s) => [s.name, s.template, s.templateVersion, dash(s.totalWaves), s.createdAt])));
        return 0;
      });
    }
    if (sub !== 'create') {
      throw new UserError('E_USAGE', `${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}: use "tenant service create <name> --template T" or "tenant service list"`);
    }
    const { name } = positionals(this, args, ['create', 'name']);
    const template = str(args, 'template');
    if (!template) throw new UserError('E_USAGE', `missing --template (one of: ${TEMPLATE_NAMES.filter((t) => t !== 'env-template').join(', ')})\nUsage: ${this.usage}`);
    let spec: ServiceSpec | undefined;
    if (str(args, 'spec')) {
      const parsed = readSpecFile(str(args, 'spec')!, io.cwd);
      if (parsed.kind !== 'ServiceSpec') throw new UserError('E_SPEC_KIND', `${str(args, 'spec')}: service create takes a "proton: ServiceSpec" file, got ${parsed.kind}`);
      spec = parsed;
    }
    return withBackend(args, io, async ({ controlPlane }) => {
      const result = await controlPlane.createService({ name: name!, template, spec });
      if (flag(args, 'json')) {
        printJson(io, { changed: result.changed, service: result.value, notes: result.notes });
      } else {
        if (result.changed) io.out(`Service ${result.value.name}: ${result.value.template} ${result.value.templateVersion}${result.value.totalWaves ? `, at most ${result.value.totalWaves} waves` : ''}\n`);
        for (const n of result.notes) io.out(`  ${n}\n`);
      }
      return 0;
    });
  },
};

export const planCommand: Command = {
  name: 'plan',
  summary: 'The waves a release of a service would use, from the tenants\' wave numbers',
  usage: 'tenant plan <service> [--json]',
  backends: ['local', 'aws'],
  help: `Computes the plan a release would start with: the distinct wave numbers of the service's
instances in ascending order (sparse numbers like 1, 2, 5 are fine), every tenant in exactly
one wave, and tenants without a wave number in the last wave (listed as defaulted).

--json prints {service, totalWaves, waves: [{wave, tenants: [tenantId]}], defaulted: [tenantId]}

Example:
  tenant plan saas-web`,
  options: {},
  async run(args, io) {
    const { service } = positionals(this, args, ['service']);
    return withBackend(args, io, async ({ controlPlane }) => {
      const svc = await controlPlane.requireService(service!);
      const plan = planWaves(await controlPlane.provider.listInstances(svc.name));
      if (flag(args, 'json')) {
        const waves = plan.waves.map((w) => ({ wave: w.wave, tenants: w.instances }));
        printJson(io, { service: svc.name, totalWaves: svc.totalWaves ?? null, waves, defaulted: plan.defaulted });
        return 0;
      }
      if (!plan.waves.length) {
        io.out(`${svc.name} has no instances yet: onboard tenants first.\n`);
        return 0;
      }
      io.out(`${svc.name}: ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}${svc.totalWaves ? ` (pipeline.totalwaves ${svc.totalWaves})` : ''}\n`);
      for (const w of plan.waves) io.out(`  wave ${w.wave}: ${w.instances.map((i) => (plan.defaulted.includes(i) ? `${i} (no wave: goes last)` : i)).join(', ')}\n`);
      return 0;
    });
  },
};
