import { CloudFormationProvider, DynamoStore, ProtonProvider } from '@tenant-waves/control-plane';
import { depsFromEnvironment } from '../src/lambda';

// What a task Lambda builds from the environment the construct gives it.
test('the DynamoDB store on TENANT_WAVES_TABLE, and the CloudFormation provider by default', async () => {
  const deps = await depsFromEnvironment({ TENANT_WAVES_TABLE: 'registry', TENANT_WAVES_STACK_PREFIX: 'tw', AWS_REGION: 'eu-west-1' });
  expect(deps.store).toBeInstanceOf(DynamoStore);
  expect((deps.store as DynamoStore).tableName).toBe('registry');
  expect(deps.provider).toBeInstanceOf(CloudFormationProvider);
  expect((deps.provider as CloudFormationProvider).instanceStack('saas-web', 'tenantA')).toBe('tw-saas-web-tenantA');
});

test('the Proton provider with TENANT_WAVES_DEPLOY_STEP=proton; without a table, a clear error', async () => {
  const deps = await depsFromEnvironment({ TENANT_WAVES_TABLE: 'registry', TENANT_WAVES_DEPLOY_STEP: 'proton', AWS_REGION: 'eu-west-1' });
  expect(deps.provider).toBeInstanceOf(ProtonProvider);
  await expect(depsFromEnvironment({})).rejects.toThrow(/TENANT_WAVES_TABLE is not set/);
});
