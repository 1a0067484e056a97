import type { AttributeValue, DynamoDBClient, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  EnvironmentRecord, HistoryEntry, InstanceRecord, Registry, RegistryWrite, ServiceRecord, TenantRecord,
} from '../registry';
import { ApprovalDecision, ExecutionRecord, InstanceResult, RolloutRecord, RolloutStore, Wave } from '../rollouts';

/**
 * The table the DynamoDB store needs (the control-plane stack creates it): one table, string
 * keys `pk`/`sk`, one global secondary index `gsi1` (`gsi1pk`/`gsi1sk`), on-demand billing.
 *
 * | item                | pk                     | sk                  | gsi1pk / gsi1sk                         |
 * |---------------------|------------------------|---------------------|-----------------------------------------|
 * | tenant              | `TENANT`               | tenantId            |                                         |
 * | environment         | `ENV`                  | name                |                                         |
 * | service             | `SERVICE`              | name                |                                         |
 * | instance            | `INSTANCE#<service>`   | tenantId            | `TENANT#<tenantId>` / `INSTANCE#<svc>`  |
 * | rollout             | `ROLLOUT#<id>`         | `META`              | `ROLLOUTS` / `<startedAt>#<id>`         |
 * | plan, one per wave  | `ROLLOUT#<id>`         | `WAVE#<index>`      |                                         |
 * | ledger row          | `ROLLOUT#<id>`         | `RESULT#<instance>` | `HISTORY#<instance>` / `<started>#<id>` |
 * | approval            | `ROLLOUT#<id>`         | `APPROVAL#<wave>`   |                                         |
 * | execution           | `ROLLOUT#<id>`         | `EXECUTION`         |                                         |
 * | rollout lock        | `LOCK`                 | service             |                                         |
 * | setting             | `SETTING`              | key                 |                                         |
 *
 * A plan is stored one wave per item, so a rollout of 10,000 tenants stays far below the
 * 400 KB item limit.
 */
export const DYNAMO_TABLE = {
  keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  attributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
  globalSecondaryIndexes: [{
    IndexName: 'gsi1',
    KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'ALL' },
  }],
} as const;

type Item = Record<string, AttributeValue>;
type Sdk = typeof import('@aws-sdk/client-dynamodb');

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const key = (pk: string, sk: string): Item => ({ pk: S(pk), sk: S(sk) });
const data = (item: Item | undefined): any => (item?.data?.S === undefined ? undefined : JSON.parse(item.data.S));
const pad = (n: number) => String(n).padStart(8, '0');

function itemOf(pk: string, sk: string, value: unknown, extra: Item = {}): Item {
  return { ...key(pk, sk), data: S(JSON.stringify(value)), ...extra };
}

export interface DynamoStoreOptions {
  /**
   * How `write()` applies a batch: `native` (default) as one TransactWriteItems call;
   * `emulated` checks every condition first, then writes item by item — for DynamoDB
   * emulators without transactions (dynalite), never for AWS: it is not atomic if a write
   * fails half-way.
   */
  readonly transactions?: 'native' | 'emulated';
}

/** The registry and rollout ledger in one DynamoDB table; the same contract as the SQLite store. */
export class DynamoStore implements RolloutStore, Registry {
  private sdkPromise?: Promise<Sdk>;
  private readonly services = new Map<string, string>();
  private readonly transactions: 'native' | 'emulated';

  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
    options: DynamoStoreOptions = {},
  ) {
    this.transactions = options.transactions ?? 'native';
  }

  /** Creates the table (for tests and local tools; on AWS the control-plane stack owns it). */
  async createTable(): Promise<void> {
    const { CreateTableCommand } = await this.sdk();
    await this.client.send(new CreateTableCommand({
      TableName: this.tableName,
      KeySchema: [...DYNAMO_TABLE.keySchema],
      AttributeDefinitions: [...DYNAMO_TABLE.attributeDefinitions],
      GlobalSecondaryIndexes: DYNAMO_TABLE.globalSecondaryIndexes.map((g) => ({ ...g, KeySchema: [...g.KeySchema] })),
      BillingMode: 'PAY_PER_REQUEST',
    }));
  }

  // ---- locks ----

  async acquireLock(service: string, rolloutId: string): Promise<boolean> {
    const { PutItemCommand } = await this.sdk();
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key('LOCK', service), holder: S(rolloutId) },
        ConditionExpression: 'attribute_not_exists(pk) OR holder = :id',
        ExpressionAttributeValues: { ':id': S(rolloutId) },
      }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async releaseLock(service: string, rolloutId: string): Promise<void> {
    const { DeleteItemCommand } = await this.sdk();
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName, Key: key('LOCK', service), ConditionExpression: 'holder = :id', ExpressionAttributeValues: { ':id': S(rolloutId) },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  async lockHolder(service: string): Promise<string | undefined> {
    return (await this.get('LOCK', service))?.holder?.S;
  }

  // ---- rollouts and the ledger ----

  async getRollout(rolloutId: string): Promise<RolloutRecord | undefined> {
    const meta = await this.get(`ROLLOUT#${rolloutId}`, 'META');
    if (!meta) return undefined;
    const { planMeta, ...record } = data(meta);
    if (!planMeta) return record;
    const waves: Wave[] = (await this.query(`ROLLOUT#${rolloutId}`, 'WAVE#')).map((i) => data(i));
    return { ...record, plan: { waves, defaulted: planMeta.defaulted, defaultWave: planMeta.defaultWave } };
  }

  async putRollout(record: RolloutRecord): Promise<void> {
    const { plan, ...rest } = record;
    const pk = `ROLLOUT#${record.rolloutId}`;
    const existing = data(await this.get(pk, 'META'));
    const planMeta = plan ? { defaulted: plan.defaulted, defaultWave: plan.defaultWave, waves: plan.waves.length } : undefined;
    // The plan is computed once; its waves are written once (a rollout's status changes often).
    if (plan && existing?.planMeta?.waves !== plan.waves.length) {
      for (const [index, wave] of plan.waves.entries()) await this.put(itemOf(pk, `WAVE#${pad(index)}`, wave));
    }
    await this.put(itemOf(pk, 'META', { ...rest, planMeta }, {
      gsi1pk: S('ROLLOUTS'), gsi1sk: S(`${record.startedAt}#${record.rolloutId}`), service: S(record.service),
    }));
    this.services.set(record.rolloutId, record.service);
  }

  async getResult(rolloutId: string, instance: string): Promise<InstanceResult | undefined> {
    return data(await this.get(`ROLLOUT#${rolloutId}`, `RESULT#${instance}`));
  }

  async putResult(rolloutId: string, result: InstanceResult): Promise<void> {
    const pk = `ROLLOUT#${rolloutId}`;
    const existing = await this.get(pk, `RESULT#${result.instance}`);
    const seq = existing?.seq?.N ? Number(existing.seq.N) : await this.nextSeq(pk);
    const service = await this.serviceOf(rolloutId);
    const started = existing?.started?.S ?? result.startedAt ?? '';
    await this.put(itemOf(pk, `RESULT#${result.instance}`, result, {
      seq: N(seq),
      service: S(service),
      started: S(started),
      gsi1pk: S(`HISTORY#${result.instance}`),
      gsi1sk: S(`${started}#${rolloutId}#${pad(seq)}`),
    }));
  }

  async results(rolloutId: string): Promise<InstanceResult[]> {
    const items = await this.query(`ROLLOUT#${rolloutId}`, 'RESULT#');
    return items.sort((a, b) => Number(a.seq.N) - Number(b.seq.N)).map((i) => data(i));
  }

  async listRollouts(service?: string): Promise<RolloutRecord[]> {
    const metas = await this.queryIndex('ROLLOUTS', false);
    const ids = metas.filter((m) => service === undefined || m.service?.S === service).map((m) => data(m).rolloutId as string);
    return Promise.all(ids.map(async (id) => (await this.getRollout(id))!));
  }

  async decide(rolloutId: string, wave: number, decision: ApprovalDecision, options: { rollback?: boolean } = {}): Promise<void> {
    await this.put(itemOf(`ROLLOUT#${rolloutId}`, `APPROVAL#${wave}`, { decision, rollback: Boolean(options.rollback), decidedAt: new Date().toISOString() }));
  }

  async decision(rolloutId: string, wave: number): Promise<ApprovalDecision | undefined> {
    return data(await this.get(`ROLLOUT#${rolloutId}`, `APPROVAL#${wave}`))?.decision;
  }

  async rollbackRequested(rolloutId: string, wave: number): Promise<boolean> {
    return data(await this.get(`ROLLOUT#${rolloutId}`, `APPROVAL#${wave}`))?.rollback ?? false;
  }

  async putExecution(record: ExecutionRecord): Promise<void> {
    await this.put(itemOf(`ROLLOUT#${record.rolloutId}`, 'EXECUTION', record));
  }

  async getExecution(rolloutId: string): Promise<ExecutionRecord | undefined> {
    return data(await this.get(`ROLLOUT#${rolloutId}`, 'EXECUTION'));
  }

  // ---- registry ----

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    return data(await this.get('TENANT', tenantId));
  }

  async listTenants(): Promise<TenantRecord[]> {
    return (await this.query('TENANT')).map((i) => data(i));
  }

  async getEnvironment(name: string): Promise<EnvironmentRecord | undefined> {
    return data(await this.get('ENV', name));
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    return (await this.query('ENV')).map((i) => data(i));
  }

  async getService(name: string): Promise<ServiceRecord | undefined> {
    return data(await this.get('SERVICE', name));
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (await this.query('SERVICE')).map((i) => data(i));
  }

  async getInstance(service: string, tenantId: string): Promise<InstanceRecord | undefined> {
    return data(await this.get(`INSTANCE#${service}`, tenantId));
  }

  async listInstances(filter: { service?: string; tenantId?: string } = {}): Promise<InstanceRecord[]> {
    let items: Item[];
    if (filter.tenantId !== undefined) {
      items = await this.queryIndex(`TENANT#${filter.tenantId}`, true);
    } else {
      const services = filter.service !== undefined ? [filter.service] : (await this.listServices()).map((s) => s.name);
      items = (await Promise.all(services.map((s) => this.query(`INSTANCE#${s}`)))).flat();
    }
    return items
      .map((i) => data(i) as InstanceRecord)
      .filter((i) => filter.service === undefined || i.service === filter.service)
      .sort((a, b) => (a.tenantId + '\0' + a.service < b.tenantId + '\0' + b.service ? -1 : 1));
  }

  /**
   * One DynamoDB transaction (at most 100 items). Like the SQLite store's foreign keys, a
   * tenant needs its environment, and an instance its tenant and service, to exist (or to be
   * written in the same batch).
   */
  async write(...writes: RegistryWrite[]): Promise<void> {
    const { TransactWriteItemsCommand } = await this.sdk();
    const items: any[] = [];
    const checks: { pk: string; sk: string; what: string }[] = [];
    const written = new Set<string>();
    for (const w of writes) {
      if ('putTenant' in w) {
        items.push({ Put: { TableName: this.tableName, Item: itemOf('TENANT', w.putTenant.tenantId, w.putTenant) } });
        written.add(`TENANT|${w.putTenant.tenantId}`);
        checks.push({ pk: 'ENV', sk: w.putTenant.environment, what: `environment ${w.putTenant.environment} of tenant ${w.putTenant.tenantId}` });
      } else if ('deleteTenant' in w) {
        items.push({ Delete: { TableName: this.tableName, Key: key('TENANT', w.deleteTenant) } });
      } else if ('putEnvironment' in w) {
        items.push({ Put: { TableName: this.tableName, Item: itemOf('ENV', w.putEnvironment.name, w.putEnvironment) } });
        written.add(`ENV|${w.putEnvironment.name}`);
      } else if ('deleteEnvironment' in w) {
        items.push({ Delete: { TableName: this.tableName, Key: key('ENV', w.deleteEnvironment) } });
      } else if ('putService' in w) {
        items.push({ Put: { TableName: this.tableName, Item: itemOf('SERVICE', w.putService.name, w.putService) } });
        written.add(`SERVICE|${w.putService.name}`);
      } else if ('putInstance' in w) {
        const i = w.putInstance;
        items.push({
          Put: {
            TableName: this.tableName,
            Item: itemOf(`INSTANCE#${i.service}`, i.tenantId, i, { gsi1pk: S(`TENANT#${i.tenantId}`), gsi1sk: S(`INSTANCE#${i.service}`) }),
          },
        });
        checks.push({ pk: 'TENANT', sk: i.tenantId, what: `tenant ${i.tenantId} of instance ${i.service}/${i.tenantId}` });
        checks.push({ pk: 'SERVICE', sk: i.service, what: `service ${i.service} of instance ${i.service}/${i.tenantId}` });
      } else {
        items.push({ Delete: { TableName: this.tableName, Key: key(`INSTANCE#${w.deleteInstance.service}`, w.deleteInstance.tenantId) } });
      }
    }
    const unique = new Map(checks.filter((c) => !written.has(`${c.pk}|${c.sk}`)).map((c) => [`${c.pk}|${c.sk}`, c]));
    const conditions = [...unique.values()];
    for (const c of conditions) {
      items.push({ ConditionCheck: { TableName: this.tableName, Key: key(c.pk, c.sk), ConditionExpression: 'attribute_exists(pk)' } });
    }
    if (!items.length) return;
    if (items.length > 100) throw new Error(`a registry write of ${items.length} items exceeds DynamoDB's 100-item transaction`);
    if (this.transactions === 'emulated') {
      const missing = [];
      for (const c of conditions) if (!(await this.get(c.pk, c.sk))) missing.push(c.what);
      if (missing.length) throw new Error(`registry write refused (FOREIGN KEY): missing ${missing.join(', ')}`);
      const { PutItemCommand, DeleteItemCommand } = await this.sdk();
      for (const i of items) {
        if (i.Put) await this.client.send(new PutItemCommand(i.Put));
        if (i.Delete) await this.client.send(new DeleteItemCommand(i.Delete));
      }
      return;
    }
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (e) {
      const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (!reasons) throw e;
      const offset = items.length - conditions.length;
      const missing = conditions.filter((_c, n) => reasons[offset + n]?.Code === 'ConditionalCheckFailed').map((c) => c.what);
      throw new Error(`registry write refused (FOREIGN KEY): ${missing.length ? `missing ${missing.join(', ')}` : reasons.map((r) => r.Code).join(', ')}`);
    }
  }

  async history(tenantId: string, service?: string): Promise<HistoryEntry[]> {
    const items = await this.queryIndex(`HISTORY#${tenantId}`, true);
    return items
      .filter((i) => service === undefined || i.service?.S === service)
      .map((i) => {
        const r = data(i) as InstanceResult;
        const rolloutId = i.pk.S!.slice('ROLLOUT#'.length);
        return {
          service: i.service!.S!,
          tenantId,
          rolloutId,
          fromVersion: r.fromVersion,
          toVersion: r.toVersion,
          status: r.status,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
          reason: r.reason,
        };
      });
  }

  async getSetting(name: string): Promise<string | undefined> {
    return data(await this.get('SETTING', name));
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.put(itemOf('SETTING', name, value));
  }

  // ---- plumbing ----

  private sdk(): Promise<Sdk> {
    // Loaded on first use: commands that never touch AWS never load the SDK.
    this.sdkPromise ??= import('@aws-sdk/client-dynamodb');
    return this.sdkPromise;
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    const { GetItemCommand } = await this.sdk();
    return (await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key(pk, sk), ConsistentRead: true }))).Item;
  }

  private async put(item: Item): Promise<void> {
    const { PutItemCommand } = await this.sdk();
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
  }

  /** Every item of a partition (optionally with a sort-key prefix), in sort-key order, all pages. */
  private query(pk: string, prefix?: string): Promise<Item[]> {
    return this.allPages({
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': S(pk), ':prefix': S(prefix) } : { ':pk': S(pk) },
      ConsistentRead: true,
    });
  }

  private queryIndex(gsi1pk: string, ascending: boolean): Promise<Item[]> {
    return this.allPages({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': S(gsi1pk) }, ScanIndexForward: ascending });
  }

  private async allPages(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const { QueryCommand } = await this.sdk();
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async nextSeq(pk: string): Promise<number> {
    const { UpdateItemCommand } = await this.sdk();
    const r = await this.client.send(new UpdateItemCommand({
      TableName: this.tableName, Key: key(pk, 'COUNTER'), UpdateExpression: 'ADD seq :one', ExpressionAttributeValues: { ':one': N(1) }, ReturnValues: 'UPDATED_NEW',
    }));
    return Number(r.Attributes!.seq.N);
  }

  private async serviceOf(rolloutId: string): Promise<string> {
    const cached = this.services.get(rolloutId);
    if (cached) return cached;
    const service = (await this.get(`ROLLOUT#${rolloutId}`, 'META'))?.service?.S ?? '';
    this.services.set(rolloutId, service);
    return service;
  }
}
