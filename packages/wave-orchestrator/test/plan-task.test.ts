import { planTask } from '../src';

test('the Plan task records the plan with the service and instance count', async () => {
  const out = await planTask({
    service: 'saas-web',
    instances: [
      { name: 'tenantA-saas-web', wave: 1 },
      { name: 'tenantB-saas-web', wave: 2 },
      { name: 'tenantC-saas-web' },
    ],
  });
  expect(out).toEqual({
    service: 'saas-web',
    totalInstances: 3,
    defaultWave: 2,
    defaulted: ['tenantC-saas-web'],
    waves: [
      { wave: 1, instances: ['tenantA-saas-web'] },
      { wave: 2, instances: ['tenantB-saas-web', 'tenantC-saas-web'] },
    ],
  });
});
