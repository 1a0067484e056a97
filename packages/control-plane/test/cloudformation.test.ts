import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient, CreateChangeSetCommand, DeleteChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand,
  DescribeStacksCommand, ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { clientFor, CloudFormationProvider, SqliteStore } from '../src';

// Contract tests of every CloudFormation call sequence, against mocked clients (no AWS account).
const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const at = '2026-12-04T10:00:00.000Z';
const TEMPLATE = { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } };

let store: SqliteStore;
let slept: number[];
let provider: CloudFormationProvider;

beforeEach(async () => {
  cfn.reset();
  sts.reset();
  store = await SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'cfn-')), 'state.db'));
  await store.write(
    { putEnvironment: { name: 'tenantA-env', tier: 'premium', placement: 'silo', templateVersion: '1.0.0', inputs: {}, status: 'PROVISIONED', updatedAt: at } },
    { putTenant: { tenantId: 'tenantA', tier: 'premium', placement: 'silo', wave: 1, environment: 'tenantA-env', inputs: {}, createdAt: at } },
    { putService: { name: 'saas-web', template: 'fargate-service', templateVersion: '1.0.0', pipeline: {}, createdAt: at } },
    { putInstance: { service: 'saas-web', tenantId: 'tenantA', inputs: {}, version: 'img:1', updatedAt: at } },
  );
  slept = [];
  provider = new CloudFormationProvider(store, {
    clientFor: async () => new CloudFormationClient({ region: 'eu-west-1' }),
    sleep: async (ms) => void slept.push(ms),
    pollMs: 100,
    maxPollMs: 400,
  });
});
afterEach(() => store.close());

const names = () => cfn.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''));
const missing = Object.assign(new Error('Stack with id tw-env-tenantA-env does not exist'), { name: 'ValidationError' });
const stack = (status: string, image = 'img:1', extra = {}) => ({
  Stacks: [{ StackName: 'x', StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/x/1', StackStatus: status, CreationTime: new Date(at), Parameters: [{ ParameterKey: 'TenantId', ParameterValue: 'tenantA' }, { ParameterKey: 'Image', ParameterValue: image }], ...extra }],
});

test('create: a CREATE change set, executed, waited on with backoff; the stack id comes back', async () => {
  cfn.on(DescribeStacksCommand).rejectsOnce(missing).resolvesOnce(stack('CREATE_IN_PROGRESS')).resolvesOnce(stack('CREATE_IN_PROGRESS')).resolves(stack('CREATE_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolvesOnce({ Status: 'CREATE_PENDING' }).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  const { location } = await provider.provisionEnvironment('tenantA-env', TEMPLATE);
  expect(location).toMatch(/^arn:aws:cloudformation:/);
  expect(names()).toEqual(['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet', 'DescribeChangeSet', 'ExecuteChangeSet', 'DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
  const create = cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input;
  expect(create).toMatchObject({ StackName: 'tw-env-tenantA-env', ChangeSetType: 'CREATE', Tags: [{ Key: 'environment', Value: 'tenantA-env' }] });
  expect(JSON.parse(create.TemplateBody!)).toEqual(TEMPLATE);
  expect(slept).toEqual([100, 100, 200]); // change set poll, then stack polls doubling
});

test('update: an UPDATE change set that keeps the running release parameter', async () => {
  cfn.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('UPDATE_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  await provider.provisionInstance('saas-web', 'tenantA', TEMPLATE);
  const create = cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input;
  expect(create).toMatchObject({ StackName: 'tw-saas-web-tenantA', ChangeSetType: 'UPDATE', Parameters: [{ ParameterKey: 'Image', UsePreviousValue: true }] });
  expect(names()).toContain('ExecuteChangeSet');
});

test('no-op update: an empty change set is deleted, nothing executed', async () => {
  cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
  cfn.on(DeleteChangeSetCommand).resolves({});
  await provider.provisionEnvironment('tenantA-env', TEMPLATE);
  expect(names()).toEqual(['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet']);
});

test('failed update, rolled back: the error carries the stack events that explain it', async () => {
  cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_COMPLETE')).resolvesOnce(stack('UPDATE_ROLLBACK_IN_PROGRESS')).resolves(stack('UPDATE_ROLLBACK_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  cfn.on(DescribeStackEventsCommand).resolves({
    StackEvents: [
      { LogicalResourceId: 'x', ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', Timestamp: new Date(Date.now() + 2000) },
      { LogicalResourceId: 'Cluster', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'Resource handler returned message: "Invalid request"', Timestamp: new Date(Date.now() + 1000) },
      { LogicalResourceId: 'Old', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'last week', Timestamp: new Date('2020-01-01') },
    ],
  });
  await expect(provider.provisionEnvironment('tenantA-env', TEMPLATE)).rejects.toThrow(
    'stack tw-env-tenantA-env ended UPDATE_ROLLBACK_COMPLETE: Cluster UPDATE_FAILED: Resource handler returned message: "Invalid request"',
  );
});

test('throttling: the call is retried with backoff, then succeeds', async () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
  cfn.on(DescribeStacksCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves(stack('UPDATE_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'No updates are to be performed.' });
  cfn.on(DeleteChangeSetCommand).resolves({});
  await provider.provisionEnvironment('tenantA-env', TEMPLATE);
  expect(names().slice(0, 3)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
  expect(slept).toEqual([100, 200]);
});

test('with a CloudFormation service role, change sets of this account\'s tenant stacks are made with it (RoleARN)', async () => {
  cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'No updates are to be performed.' });
  cfn.on(DeleteChangeSetCommand).resolves({});
  const withRole = new CloudFormationProvider(store, {
    clientFor: async () => new CloudFormationClient({ region: 'eu-west-1' }), sleep: async () => undefined, roleArn: 'arn:aws:iam::111122223333:role/tenant-stacks',
  });
  await withRole.provisionEnvironment('tenantA-env', TEMPLATE);
  expect(cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input.RoleARN).toBe('arn:aws:iam::111122223333:role/tenant-stacks');
});

test('a release: deploy() starts the parameter update (PENDING), looks again (PENDING), then DONE and recorded', async () => {
  cfn.on(DescribeStacksCommand)
    .resolvesOnce(stack('UPDATE_COMPLETE', 'img:1'))
    .resolvesOnce(stack('UPDATE_IN_PROGRESS', 'img:2'))
    .resolves(stack('UPDATE_COMPLETE', 'img:2'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'PENDING' });
  const create = cfn.commandCalls(CreateChangeSetCommand)[0].args[0].input;
  expect(create).toMatchObject({
    StackName: 'tw-saas-web-tenantA',
    ChangeSetType: 'UPDATE',
    UsePreviousTemplate: true,
    Parameters: [{ ParameterKey: 'TenantId', UsePreviousValue: true }, { ParameterKey: 'Image', ParameterValue: 'img:2' }],
  });
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'PENDING' });
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'DONE' });
  expect(await store.getInstance('saas-web', 'tenantA')).toMatchObject({ version: 'img:2', previousVersion: 'img:1', pending: undefined });
  expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(1); // started once, looked at twice
  expect(await provider.healthCheck('saas-web', 'tenantA')).toEqual({ healthy: true });
});

test('a release that CloudFormation rolls back: deploy() reports FAILED with the events', async () => {
  cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_COMPLETE', 'img:1')).resolves(stack('UPDATE_ROLLBACK_COMPLETE', 'img:1'));
  cfn.on(CreateChangeSetCommand).resolves({});
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  cfn.on(DescribeStackEventsCommand).resolves({
    StackEvents: [{ LogicalResourceId: 'Service', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'ECS deployment circuit breaker: tasks failed to start', Timestamp: new Date(Date.now() + 1000) }],
  });
  expect(await provider.deploy('saas-web', 'tenantA', 'img:bad')).toEqual({ state: 'PENDING' });
  const result = await provider.deploy('saas-web', 'tenantA', 'img:bad');
  expect(result.state).toBe('FAILED');
  expect(result.reason).toMatch(/Service UPDATE_FAILED: ECS deployment circuit breaker/);
  expect(await store.getInstance('saas-web', 'tenantA')).toMatchObject({ version: 'img:1', pending: undefined });
});

test('cross-account: the tenant\'s role is assumed with STS, and its credentials and region used', async () => {
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
  });
  const client = await clientFor({ account: '222233334444', region: 'ap-southeast-2' }, 'tenantR');
  expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
    RoleArn: 'arn:aws:iam::222233334444:role/TenantWavesDeployment', RoleSessionName: 'tenant-waves-tenantR', DurationSeconds: 3600,
  });
  expect(await client.config.region()).toBe('ap-southeast-2');
  expect(await (client.config.credentials as () => Promise<{ accessKeyId: string }>)()).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
});
