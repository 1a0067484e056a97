// Render benchmark: env-template for a fleet of tenants, the fast path against one
// `cdk synth`-style process per tenant. Prints one JSON line. Run: npm run bench:render
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, templateInputs, TIERS } from '@tenant-waves/control-plane';
import { renderEnvironment, TenantEnvironmentInput } from '@tenant-waves/env-template';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const BASELINE_SAMPLE = Number(process.env.BENCH_BASELINE_SAMPLE ?? 10);

/** Tenant i: tier round-robin over basic/standard/premium, its own id and namespace. */
function tenant(i: number) {
  return {
    tier: TIERS[i % TIERS.length],
    inputs: { tenantId: `tenant${i}`, service_discovery_namespace: `t${i}.saasapplication.com` },
  };
}

// The baseline: what the old system did per tenant — a fresh process that loads the CDK,
// builds the app and synthesises it to a cloud assembly on disk.
const SYNTH_ONE = `
const { App, DefaultStackSynthesizer } = require('aws-cdk-lib');
const { TenantEnvironmentStack, TIER_PROFILES } = require('@tenant-waves/env-template');
const [outdir, id, tier] = process.argv.slice(1);
const inputs = { tenantId: id, vpc_cidr_block: '10.0.0.0/16', ec2_capacity: false, ec2_instance_type: 't3.medium',
  allow_ecs_exec: false, enhanced_cluster_monitoring: false, nat_gateways: 1,
  service_discovery_namespace: id + '.saasapplication.com', ...TIER_PROFILES[tier] };
const app = new App({ outdir });
new TenantEnvironmentStack(app, 'TenantEnvironment', { inputs, synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
app.synth();
`;

function baseline(): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-render-'));
  const started = performance.now();
  for (let i = 0; i < BASELINE_SAMPLE; i++) {
    const t = tenant(i);
    execFileSync(process.execPath, ['-e', SYNTH_ONE, join(dir, `cdk.out.${i}`), t.inputs.tenantId, t.tier], { stdio: 'inherit' });
  }
  const ms = (performance.now() - started) / BASELINE_SAMPLE;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function fast(): Promise<{ ms: number; resources: number }> {
  const started = performance.now();
  const template = await loadTemplate('env-template');
  let resources = 0;
  for (let i = 0; i < TENANTS; i++) {
    const t = tenant(i);
    // What the control plane does per tenant: tier profile + inputs, schema validation, render.
    const inputs = templateInputs(template, t.inputs, { tier: t.tier }) as unknown as TenantEnvironmentInput;
    resources += Object.keys(renderEnvironment(inputs).Resources).length;
  }
  return { ms: (performance.now() - started) / TENANTS, resources };
}

async function main() {
  const fastRun = await fast();
  const baselineMs = baseline();
  const result = {
    bench: 'render:env-template',
    tenants: TENANTS,
    tiers: TIERS.length,
    baselineSample: BASELINE_SAMPLE,
    baselineMsPerTenant: Math.round(baselineMs * 10) / 10,
    msPerTenant: Math.round(fastRun.ms * 1000) / 1000,
    ratio: Math.round(baselineMs / fastRun.ms),
    resourcesRendered: fastRun.resources,
    node: process.version,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
