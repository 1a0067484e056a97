import { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../src';

// DynamoDB in this process (dynalite, in memory): the DynamoDB store runs the same contract
// tests as the SQLite one, with no AWS account and no network.
let server: { listen: (port: number, host: string, cb: () => void) => void; close: (cb: () => void) => void; address: () => AddressInfo } | undefined;
let client: DynamoDBClient | undefined;
let tables = 0;

export async function startDynalite(): Promise<void> {
  // dynalite ships no type definitions.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite');
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${server!.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export async function stopDynalite(): Promise<void> {
  client?.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
}

/** A store on a new, empty table. */
export async function openDynamoStore(): Promise<DynamoStore> {
  // dynalite has no TransactWriteItems: the store's emulated mode (the native call is covered by dynamodb-transactions.test.ts).
  const store = new DynamoStore(client!, `tenant-waves-test-${++tables}`, { transactions: 'emulated' });
  await store.createTable();
  return store;
}
