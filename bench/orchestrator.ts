// Orchestrator benchmark: our wave state machine against the old system's (../shared/baselines),
// both executed by the same local ASL interpreter with instant deployments. One JSON line per
// case. Run: npm run bench:orchestrator
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, InMemoryRolloutStore, InstanceRef, runLocalRollout } from '@tenant-waves/wave-orchestrator';

const TENANTS = (process.env.BENCH_TENANTS ?? '100,1000,10000').split(',').map(Number);
const WAVES = (process.env.BENCH_WAVES ?? '1,2,3,4').split(',').map(Number);
const BASELINE = join(__dirname, '..', '..', 'shared', 'baselines', 'seed-wave-statemachine.asl.json');

/** tenant i in wave (i mod W) + 1, as the baseline's measurements assign them. */
const fleet = (n: number, w: number): InstanceRef[] => Array.from({ length: n }, (_, i) => ({ name: `t${i}`, wave: (i % w) + 1 }));

/** A backend whose every deployment finishes at once. */
function instantProvider(instances: InstanceRef[]) {
  const versions = new Map(instances.map((i) => [i.name, 'v1']));
  let deployed = 0;
  return {
    deployed: () => deployed,
    provider: {
      listInstances: async () => instances,
      currentVersion: async (_s: string, name: string) => versions.get(name),
      deploy: async (_s: string, name: string, target: string) => {
        if (versions.get(name) !== target) {
          versions.set(name, target);
          deployed++;
        }
        return { state: 'DONE' as const };
      },
      healthCheck: async () => ({ healthy: true }),
      rollback: async (_s: string, name: string, version: string) => {
        versions.set(name, version);
        return { state: 'DONE' as const };
      },
    },
  };
}

async function ours(n: number, w: number) {
  const instances = fleet(n, w);
  const backend = instantProvider(instances);
  const started = performance.now();
  const result = await runLocalRollout(
    { rolloutId: `bench-${n}-${w}`, service: 'bench', target: 'v2', options: { ...DEFAULT_OPTIONS } },
    { provider: backend.provider, store: new InMemoryRolloutStore() },
  );
  if (result.status !== 'SUCCEEDED') throw new Error(`our rollout ended ${result.status}: ${result.cause}`);
  return { deployed: backend.deployed(), states: result.statesEntered, events: result.events, wallMs: performance.now() - started };
}

/** The old definition, made executable as shared/baselines/README.md describes. */
function baselineDefinition(totalWaves: number) {
  const text = readFileSync(BASELINE, 'utf8')
    .replace('"${TOTAL_WAVES}"', String(totalWaves))
    .replace('${ITERATOR_LAMBDA_ARN}', 'arn:aws:lambda:local:000000000000:function:iterator')
    .replace('${APPROVAL_QUEUE_URL}', 'local://approvals');
  const def = JSON.parse(text);
  // The task state is *named* Iterator, which trips validators: rename it.
  def.States['Next Wave'] = def.States.Iterator;
  delete def.States.Iterator;
  for (const state of Object.values<any>(def.States)) if (state.Next === 'Iterator') state.Next = 'Next Wave';
  for (const choice of def.States['Deployment Approved?'].Choices) if (choice.Next === 'Iterator') choice.Next = 'Next Wave';
  def.States['Assign total waves'].Next = 'Next Wave';
  return def;
}

async function baseline(n: number, w: number) {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const instances = fleet(n, w).map((i) => ({ name: i.name, deployment_wave_number: i.wave }));
  let deployed = 0;
  const machine = new StateMachine(baselineDefinition(w), { validationOptions: { checkArn: false, checkPaths: false } });
  const started = performance.now();
  const execution = machine.run({ instances, service_spec: 'spec', service_name: 'bench' } as any, {
    context: { Task: { Token: 'local' } },
    overrides: {
      waitTimeOverrides: { 'Wait 60 Seconds': 0 },
      taskResourceLocalHandlers: {
        // The iterator Lambda, as the baseline README describes it (step becomes index: sic).
        'Next Wave': async (input: any) => {
          const it = { ...input.Payload.iterator };
          it.index = it.index + it.step;
          it.step = it.index;
          it.continue = it.index < it.total_waves;
          return { Payload: { ...input.Payload, iterator: it } };
        },
        'UpdateServiceInstance': async (input: any) => {
          deployed++;
          return { ServiceInstance: { Name: input.Name, ServiceName: input.ServiceName } };
        },
        'Get Deployment Status': async (input: any) => ({ ServiceInstance: { ...input, DeploymentStatus: 'SUCCEEDED' } }),
        'Wait for next wave approval': async () => ({ approval_status: 'Approved' }),
      } as any,
    },
  });
  let states = 0;
  let events = 0;
  for await (const e of execution.eventLogs) {
    events++;
    if (e.type === 'StateEntered') states++;
  }
  await execution.result;
  return { deployed, states, events, wallMs: performance.now() - started };
}

async function main() {
  for (const n of TENANTS) {
    for (const w of WAVES) {
      const a = await ours(n, w);
      const b = await baseline(n, w);
      const line = {
        bench: 'orchestrator',
        tenants: n,
        waves: w,
        deployed: a.deployed,
        statesPerTenant: Math.round((a.states / n) * 1000) / 1000,
        states: a.states,
        events: a.events,
        wallMs: Math.round(a.wallMs),
        baselineDeployed: b.deployed,
        baselineStatesPerTenant: Math.round((b.states / n) * 1000) / 1000,
        baselineStates: b.states,
        baselineEvents: b.events,
        baselineWallMs: Math.round(b.wallMs),
      };
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
