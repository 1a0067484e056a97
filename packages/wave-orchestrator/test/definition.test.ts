import validator from 'asl-validator';
import { buildDefinition, LOCAL_RESOURCES, TASK_NAMES } from '../src';

const definition = buildDefinition(LOCAL_RESOURCES);

test('the definition passes asl-validator', () => {
  const result = validator(structuredClone(definition)); // it annotates what it is given
  expect(result.errors).toEqual([]);
  expect(result.isValid).toBe(true);
});

test('every task state is bound to a handler, and every handler is used', () => {
  const tasks: string[] = [];
  const walk = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task' && state.Resource.startsWith('arn:aws:lambda:')) tasks.push(name);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(definition.States);
  expect(tasks.sort()).toEqual([...TASK_NAMES].sort());
});

test('scale: waves run one at a time; a wave\'s instances run in a distributed map of bounded concurrency', () => {
  const waves = definition.States.Waves;
  expect(waves).toMatchObject({ Type: 'Map', MaxConcurrency: 1, ItemsPath: '$.plan.waves' });
  const deployWave = waves.ItemProcessor.States.DeployWave;
  expect(deployWave).toMatchObject({
    Type: 'Map',
    ItemsPath: '$.wave.batches',
    MaxConcurrencyPath: '$.options.concurrency',
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
  });
  // The only states that run per batch are in the child executions (their own histories);
  // what the parent execution runs per wave does not depend on the number of tenants.
  expect(Object.keys(deployWave.ItemProcessor.States).sort()).toEqual(['BatchComplete', 'BatchDone?', 'CheckBatch', 'DeployBatch', 'WaitForDeployments']);
  const perWave = Object.keys(waves.ItemProcessor.States).length;
  // Worst case for the parent, per wave: every state of the wave once (a gate with its
  // approval, the bake), ~3 history events each, plus the map run's own events.
  expect(perWave * 3 + 10).toBeLessThan(60);
});

test('no fixed 60-second sleep: deployments are polled with a growing interval', () => {
  const wait = definition.States.Waves.ItemProcessor.States.DeployWave.ItemProcessor.States.WaitForDeployments;
  expect(wait).toEqual({ Type: 'Wait', SecondsPath: '$.poll.seconds', Next: 'CheckBatch' });
});
