import { UserError } from '@tenant-waves/control-plane';
import { planWaves } from '../src';

/** tenant i in wave (i mod W) + 1, as the baseline measurements assign them. */
function roundRobin(tenants: number, waves: number) {
  return Array.from({ length: tenants }, (_, i) => ({ name: `t${i}`, wave: (i % waves) + 1 }));
}

test.each([1, 2, 3, 4])('every tenant lands in exactly one wave with %i waves (the old system dropped wave 3)', (w) => {
  const plan = planWaves(roundRobin(10, w));
  expect(plan.waves.map((x) => x.wave)).toEqual(Array.from({ length: w }, (_, i) => i + 1));
  const all = plan.waves.flatMap((x) => x.instances);
  expect(all).toHaveLength(10);
  expect(new Set(all).size).toBe(10);
});

test('sparse wave numbers run in ascending order', () => {
  const plan = planWaves([
    { name: 'c', wave: 5 },
    { name: 'a', wave: 1 },
    { name: 'b', wave: 2 },
  ]);
  expect(plan.waves).toEqual([
    { wave: 1, instances: ['a'] },
    { wave: 2, instances: ['b'] },
    { wave: 5, instances: ['c'] },
  ]);
});

test('instances without a wave go to the last wave by default, or to the one asked for', () => {
  const input = [{ name: 'a', wave: 1 }, { name: 'b', wave: 3 }, { name: 'u' }];
  expect(planWaves(input).waves).toEqual([
    { wave: 1, instances: ['a'] },
    { wave: 3, instances: ['b', 'u'] },
  ]);
  const toFirst = planWaves(input, { defaultWave: 1 });
  expect(toFirst.waves[0]).toEqual({ wave: 1, instances: ['a', 'u'] });
  expect(toFirst.defaulted).toEqual(['u']);
  expect(planWaves([{ name: 'x' }]).waves).toEqual([{ wave: 1, instances: ['x'] }]);
});

test.each([0, -1, 1.5])('rejects wave %p with a UserError naming the instance', (wave) => {
  expect(() => planWaves([{ name: 'bad', wave }])).toThrow(UserError);
  expect(() => planWaves([{ name: 'bad', wave }])).toThrow(/instance "bad" has wave/);
});

test('rejects an instance listed twice', () => {
  expect(() => planWaves([{ name: 'a', wave: 1 }, { name: 'a', wave: 2 }])).toThrow(/appears twice/);
});
