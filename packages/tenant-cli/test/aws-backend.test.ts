import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient, CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand, ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CloudFormationProvider, DynamoStore } from '@tenant-waves/control-plane';
import { runLocalRollout } from '@tenant-waves/wave-orchestrator';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../src/cli';
import { Io } from '../src/io';

// The CLI's AWS paths end to end, in this process: DynamoDB is dynalite; CloudFormation, Step
// Functions and SQS are mocked clients. The mocked CloudFormation keeps stacks and parameters;
// the mocked StartExecution runs the orchestrator's state machine with the local interpreter
// against the same table and provider, as Step Functions would with the task Lambdas.
const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const objects = new Map<string, string | Uint8Array>();
const TABLE = 'tenant-waves-registry';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/approvals';

interface FakeStack {
  status: string;
  parameters: Record<string, string>;
  outputs?: { OutputKey: string; OutputValue: string; Description?: string }[];
}
const stacks = new Map<string, FakeStack>();
const changeSets = new Map<string, { stack: string; parameters: Record<string, string>; create: boolean; template: any }>();
const templates = new Map<string, any>();
const executions: Promise<unknown>[] = [];
let server: any;
let store: DynamoStore;

function io(): Io & { text: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return {
    isTTY: false,
    cwd: process.cwd(),
    env: process.env,
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    text: () => out,
    errors: () => err,
  };
}

async function tenant(argv: string[]) {
  const o = io();
  const code = await main([...argv, '--backend', 'aws'], o);
  return { code, stdout: o.text(), stderr: o.errors() };
}

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  server = require('dynalite')({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    TENANT_WAVES_DYNAMODB_TRANSACTIONS: 'emulated',
  });
  store = new DynamoStore(new DynamoDBClient({}), TABLE, { transactions: 'emulated' });
  await store.createTable();

  cfn.on(DescribeStacksCommand).callsFake(({ StackName }) => {
    if (StackName === 'TenantWaves') {
      return {
        Stacks: [{
          StackName,
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { Description: 'tenant-waves:registry-table', OutputValue: TABLE },
            { Description: 'tenant-waves:saas-web:state-machine', OutputValue: 'arn:aws:states:eu-west-1:111122223333:stateMachine:tenant-waves-saas-web' },
            { Description: 'tenant-waves:saas-web:approval-queue', OutputValue: QUEUE },
          ],
        }],
      };
    }
    const s = stacks.get(StackName);
    if (!s) throw Object.assign(new Error(`Stack with id ${StackName} does not exist`), { name: 'ValidationError' });
    return {
      Stacks: [{
        StackName,
        StackId: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${StackName}/1`,
        StackStatus: s.status,
        Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
        Outputs: s.outputs,
      }],
    };
  });
  cfn.on(CreateChangeSetCommand).callsFake((input) => {
    const previous = stacks.get(input.StackName)?.parameters ?? {};
    // The template from the request body, from S3 (TemplateURL: what the fake S3 was given), or the stack's previous one.
    const template = input.TemplateBody ? JSON.parse(input.TemplateBody)
      : input.TemplateURL ? JSON.parse(String(objects.get(new URL(input.TemplateURL).pathname.slice(1)))) : templates.get(input.StackName);
    const defaults = input.TemplateBody || input.TemplateURL
      ? Object.fromEntries(Object.entries<any>(template.Parameters ?? {}).map(([k, v]) => [k, String(v.Default ?? '')]))
      : previous;
    const parameters = { ...defaults };
    for (const p of input.Parameters ?? []) {
      parameters[p.ParameterKey] = p.UsePreviousValue ? previous[p.ParameterKey] ?? defaults[p.ParameterKey] : p.ParameterValue;
    }
    changeSets.set(input.ChangeSetName, { stack: input.StackName, parameters, create: input.ChangeSetType === 'CREATE', template });
    return {};
  });
  cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
  cfn.on(ExecuteChangeSetCommand).callsFake(({ ChangeSetName }) => {
    const cs = changeSets.get(ChangeSetName)!;
    templates.set(cs.stack, cs.template);
    const outputs = Object.entries<any>(cs.template?.Outputs ?? {}).map(([OutputKey, o]) => ({
      OutputKey, OutputValue: typeof o.Value === 'string' ? o.Value : `${OutputKey.toLowerCase()}-value`, Description: o.Description,
    }));
    stacks.set(cs.stack, { status: cs.create ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE', parameters: cs.parameters, outputs });
    return {};
  });
  cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });

  sfn.on(StartExecutionCommand).callsFake(({ name, input }) => {
    const provider = new CloudFormationProvider(store, { sleep: async () => undefined, pollMs: 1 });
    const options = { waitOverrideMs: { WaitForDeployments: 10, Bake: 0 }, approvalPollMs: 20 };
    executions.push(runLocalRollout(JSON.parse(input), { store, provider }, options));
    return { executionArn: `arn:aws:states:eu-west-1:111122223333:execution:tenant-waves-saas-web:${name}` };
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' } as any);
  // The approval queue holds the request of whichever rollout waits at a gate.
  sqs.on(ReceiveMessageCommand).callsFake(async () => {
    const waiting = (await store.listRollouts()).find((r) => r.status === 'WAITING_APPROVAL');
    if (!waiting) return { Messages: [] };
    const body = { rolloutId: waiting.rolloutId, service: waiting.service, target: waiting.target, wave: waiting.waitingWave, taskToken: `token-${waiting.rolloutId}` };
    return { Messages: [{ Body: JSON.stringify(body), ReceiptHandle: 'receipt-1' }] };
  });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sqs.on(DeleteMessageCommand).resolves({});
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'x', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  s3.on(PutObjectCommand).callsFake(({ Key, Body }) => {
    objects.set(Key, Body);
    return {};
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(executions);
  await new Promise((r) => server.close(r));
});

test('onboard → release → approve → rollout status, on the AWS backend', async () => {
  expect((await tenant(['service', 'create', 'saas-web', '--template', 'fargate-service'])).code).toBe(0);
  const a = await tenant(['onboard', 'tenantA', '--tier', 'premium', '--wave', '1']);
  expect(a.stderr).toBe('');
  expect(a.code).toBe(0);
  expect((await tenant(['onboard', 'tenantB', '--tier', 'standard', '--wave', '2'])).code).toBe(0);
  // Onboarding created the environment and instance stacks, through change sets.
  expect([...stacks.keys()].sort()).toEqual(['tw-env-tenantA-env', 'tw-env-tenantB-env', 'tw-saas-web-tenantA', 'tw-saas-web-tenantB']);
  // The environment's outputs are read back into the registry and become its instances' parameters.
  expect((await store.getEnvironment('tenantA-env'))!.outputs).toMatchObject({ VPCId: 'vpcid-value', ECSClusterName: 'ecsclustername-value' });
  expect(stacks.get('tw-saas-web-tenantA')!.parameters).toMatchObject({ TenantId: 'tenantA', VPCId: 'vpcid-value', ECSClusterName: 'ecsclustername-value' });
  expect((await tenant(['plan', 'saas-web', '--json'])).stdout).toContain('"tenants": [\n        "tenantB"');

  const image = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/saas-web:v2';
  const started = await tenant(['release', 'saas-web', '--version', image, '--approval', 'manual', '--detach', '--json']);
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const { rolloutId } = JSON.parse(started.stdout);
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toMatchObject({ name: rolloutId });
  // A second release while this one runs: exit 2, naming it and the execution.
  const second = await tenant(['release', 'saas-web', '--version', `${image}-b`]);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`already has a rollout running: ${rolloutId}`);

  for (let i = 0; i < 400 && (await store.getRollout(rolloutId))?.status !== 'WAITING_APPROVAL'; i++) await new Promise((r) => setTimeout(r, 25));
  const approved = await tenant(['approve', rolloutId]);
  expect(approved.stderr).toBe('');
  expect(approved.stdout).toContain(`Approved the gate after wave 1 of ${rolloutId}`);
  expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.taskToken).toBe(`token-${rolloutId}`);
  await Promise.all(executions);

  const view = JSON.parse((await tenant(['rollout', rolloutId, '--json'])).stdout);
  expect(view.status).toBe('SUCCEEDED');
  expect(view.execution).toEqual({ arn: expect.stringMatching(new RegExp(`execution:tenant-waves-saas-web:${rolloutId}$`)), status: 'SUCCEEDED' });
  expect(view.waves.map((w: any) => w.tenants.map((t: any) => `${t.tenantId}:${t.status}:${t.toVersion}`))).toEqual([
    [`tenantA:SUCCEEDED:${image}`], [`tenantB:SUCCEEDED:${image}`],
  ]);
  expect(stacks.get('tw-saas-web-tenantB')!.parameters.Image).toBe(image);
  const list = JSON.parse((await tenant(['list', '--json'])).stdout);
  expect(list.map((t: any) => t.instances[0].version)).toEqual([image, image]);
  expect(JSON.parse((await tenant(['rollouts', '--json'])).stdout)[0]).toMatchObject({ rolloutId, status: 'SUCCEEDED' });
});

test('a tenant in its own account: its stacks are created through the role assumed there', async () => {
  const r = await tenant(['onboard', 'tenantR', '--tier', 'premium', '--wave', '2', '--account', '222233334444', '--region', 'ap-southeast-2']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toContain('arn:aws:iam::222233334444:role/TenantWavesDeployment');
  expect(stacks.has('tw-env-tenantR-env')).toBe(true);
  expect((await store.getTenant('tenantR'))!.target).toEqual({ account: '222233334444', region: 'ap-southeast-2' });
  // Not on a pool, not with a malformed account; nothing is written then.
  const pool = await tenant(['onboard', 'tenantP', '--tier', 'basic', '--account', '222233334444', '--region', 'ap-southeast-2']);
  expect(pool.code).toBe(2);
  expect(pool.stderr).toMatch(/pool tenant: pool environments live in the control plane's account/);
  expect((await tenant(['onboard', 'tenantQ', '--tier', 'premium', '--account', '12', '--region', 'eu-west-1'])).stderr).toMatch(/12-digit AWS account id/);
  expect(await store.getTenant('tenantQ')).toBeUndefined();
});

test('commands of the local backend only say so (exit 2)', async () => {
  const r = await tenant(['serve']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/tenant serve runs on the local backend only/);
});

test('bootstrap: assets bucket stack, the Lambda code zipped to S3, the template to S3, the control-plane stack from it', async () => {
  process.env.TENANT_WAVES_STACK = 'TwBoot';
  try {
    const r = await tenant(['bootstrap', '--service', 'saas-web', '--json']);
    expect(r.stderr).toMatch(/Step 1\/4 {2}assets bucket: stack TwBoot-assets[\s\S]*Step 4\/4 {2}control-plane stack TwBoot \(saas-web\)/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ stack: 'TwBoot', assetsBucket: 'assetsbucketname-value', services: ['saas-web'] });
    // The code: a valid zip with the task Lambdas' bundle, under its content hash.
    const [codeKey] = [...objects.keys()].filter((k) => k.startsWith('lambda/'));
    expect(codeKey).toMatch(/^lambda\/[0-9a-f]{64}\.zip$/);
    const zipFile = join(mkdtempSync(join(tmpdir(), 'zip-')), 'code.zip');
    writeFileSync(zipFile, objects.get(codeKey) as Uint8Array);
    const check = 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist())';
    expect(execFileSync('python3', ['-c', check, zipFile], { encoding: 'utf8' }).trim()).toBe("['index.js']");
    // The control-plane stack was created from the uploaded template, whose functions load that code.
    const create = cfn.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input).find((i) => i.StackName === 'TwBoot')!;
    expect(create.TemplateURL).toMatch(/^https:\/\/assetsbucketname-value\.s3\.eu-west-1\.amazonaws\.com\/templates\/[0-9a-f]{64}\.json$/);
    const template = templates.get('TwBoot');
    const fns = Object.values<any>(template.Resources).filter((x) => x.Type === 'AWS::Lambda::Function');
    expect(fns).toHaveLength(9);
    for (const fn of fns) expect(fn.Properties.Code).toEqual({ S3Bucket: 'assetsbucketname-value', S3Key: codeKey });
    expect(template.Parameters?.BootstrapVersion).toBeUndefined(); // deployable without `cdk bootstrap`
  } finally {
    delete process.env.TENANT_WAVES_STACK;
  }
});
