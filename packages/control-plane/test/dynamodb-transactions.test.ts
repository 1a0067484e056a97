import { DynamoDBClient, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoStore, TenantRecord } from '../src';

// On AWS a registry batch is one TransactWriteItems call (dynalite has none, so the contract
// suite runs the emulated mode there): its shape and its failure, against a mocked client.
const ddb = mockClient(DynamoDBClient);
beforeEach(() => ddb.reset());

const at = '2026-12-04T10:00:00.000Z';
const tenant: TenantRecord = { tenantId: 'tenantA', tier: 'premium', placement: 'silo', wave: 1, environment: 'tenantA-env', inputs: {}, createdAt: at };

test('one TransactWriteItems: the puts, and a condition check for each referenced item not written in the batch', async () => {
  ddb.on(TransactWriteItemsCommand).resolves({});
  const store = new DynamoStore(new DynamoDBClient({ region: 'us-east-1' }), 'tenants');
  await store.write(
    { putTenant: tenant },
    { putInstance: { service: 'saas-web', tenantId: 'tenantA', inputs: {}, updatedAt: at } },
  );
  const calls = ddb.commandCalls(TransactWriteItemsCommand);
  expect(calls).toHaveLength(1);
  const items = calls[0].args[0].input.TransactItems!;
  expect(items.map((i) => Object.keys(i)[0])).toEqual(['Put', 'Put', 'ConditionCheck', 'ConditionCheck']);
  expect(items[0].Put!.Item!.pk).toEqual({ S: 'TENANT' });
  expect(items[1].Put!.Item!.gsi1pk).toEqual({ S: 'TENANT#tenantA' });
  // The tenant is written in the batch, so only its environment and the service are checked.
  expect(items.slice(2).map((i) => [i.ConditionCheck!.Key!.pk.S, i.ConditionCheck!.Key!.sk.S, i.ConditionCheck!.ConditionExpression])).toEqual([
    ['ENV', 'tenantA-env', 'attribute_exists(pk)'],
    ['SERVICE', 'saas-web', 'attribute_exists(pk)'],
  ]);
});

test('a cancelled transaction names the missing item', async () => {
  ddb.on(TransactWriteItemsCommand).rejects(new TransactionCanceledException({
    $metadata: {},
    message: 'Transaction cancelled',
    CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
  }));
  const store = new DynamoStore(new DynamoDBClient({ region: 'us-east-1' }), 'tenants');
  const error = await store.write({ putTenant: tenant }).then(() => undefined, (e: Error) => e);
  expect(error?.message).toBe('registry write refused (FOREIGN KEY): missing environment tenantA-env of tenant tenantA');
});
