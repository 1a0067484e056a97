import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEnvironmentCommand, CreateServiceInstanceCommand, GetServiceInstanceCommand, ListServiceInstancesCommand, ListTagsForResourceCommand,
  ProtonClient, UpdateEnvironmentCommand, UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { PROTON_END_OF_SUPPORT, ProtonProvider, SqliteStore } from '../src';

// The Proton provider's call sequences, against a mocked Proton API (which no longer answers in AWS).
const proton = mockClient(ProtonClient);
const at = '2026-12-04T10:00:00.000Z';
let store: SqliteStore;
let notices: string[];
let provider: ProtonProvider;

beforeEach(async () => {
  proton.reset();
  store = await SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'proton-')), 'state.db'));
  await store.write(
    { putEnvironment: { name: 'tenantAEnv', tier: 'premium', placement: 'silo', templateVersion: '1.0.0', inputs: { tenantId: 'tenantA', nat_gateways: 1 }, status: 'PROVISIONED', updatedAt: at } },
    { putTenant: { tenantId: 'tenantA', tier: 'premium', placement: 'silo', wave: 2, environment: 'tenantAEnv', inputs: {}, createdAt: at } },
    { putService: { name: 'saas-web', template: 'fargate-service', templateVersion: '1.0.0', pipeline: {}, createdAt: at } },
    { putInstance: { service: 'saas-web', tenantId: 'tenantA', inputs: { port: 80 }, updatedAt: at } },
  );
  notices = [];
  provider = new ProtonProvider(store, { client: new ProtonClient({ region: 'us-east-1' }), onNotice: (m) => notices.push(m), sleep: async () => undefined });
});
afterEach(() => store.close());

const instance = (status: string, image: string, message?: string) => ({
  serviceInstance: {
    name: 'tenantA',
    serviceName: 'saas-web',
    arn: 'arn:aws:proton:us-east-1:111122223333:service/saas-web/service-instance/tenantA',
    deploymentStatus: status,
    deploymentStatusMessage: message,
    spec: `proton: ServiceSpec\nspec:\n  port: 80\n  image: ${image}\n`,
  } as any,
});

test('says once that Proton reached end of support, before its first call', async () => {
  proton.on(GetServiceInstanceCommand).resolves(instance('SUCCEEDED', 'img:1'));
  await provider.currentVersion('saas-web', 'tenantA');
  await provider.currentVersion('saas-web', 'tenantA');
  expect(notices).toEqual([PROTON_END_OF_SUPPORT]);
  expect(PROTON_END_OF_SUPPORT).toMatch(/end of support on 2026-10-07/);
});

test('environment: CreateEnvironment from env-template with an EnvironmentSpec; an existing one is updated (CURRENT_VERSION)', async () => {
  proton.on(CreateEnvironmentCommand).rejectsOnce(Object.assign(new Error('exists'), { name: 'ConflictException' }));
  proton.on(UpdateEnvironmentCommand).resolves({ environment: { arn: 'arn:env' } as any });
  expect(await provider.provisionEnvironment('tenantAEnv')).toEqual({ location: 'arn:env' });
  const create = proton.commandCalls(CreateEnvironmentCommand)[0].args[0].input;
  expect(create).toMatchObject({ name: 'tenantAEnv', templateName: 'env-template', templateMajorVersion: '1' });
  expect(parse(create.spec!)).toEqual({ proton: 'EnvironmentSpec', spec: { tenantId: 'tenantA', nat_gateways: 1 } });
  expect(proton.commandCalls(UpdateEnvironmentCommand)[0].args[0].input).toMatchObject({ name: 'tenantAEnv', deploymentType: 'CURRENT_VERSION' });
});

test('instance: CreateServiceInstance tagged with deployment_wave_number; waves read back from the tags', async () => {
  proton.on(CreateServiceInstanceCommand).resolves({ serviceInstance: { arn: 'arn:si' } as any });
  await provider.provisionInstance('saas-web', 'tenantA');
  expect(proton.commandCalls(CreateServiceInstanceCommand)[0].args[0].input.tags).toEqual([
    { key: 'tenant_id', value: 'tenantA' }, { key: 'deployment_wave_number', value: '2' },
  ]);
  proton.on(ListServiceInstancesCommand)
    .resolvesOnce({ serviceInstances: [{ name: 'tenantA', arn: 'arn:a' } as any], nextToken: 'p2' })
    .resolves({ serviceInstances: [{ name: 'tenantB', arn: 'arn:b' } as any] });
  proton.on(ListTagsForResourceCommand, { resourceArn: 'arn:a' }).resolves({ tags: [{ key: 'deployment_wave_number', value: '2' }] });
  proton.on(ListTagsForResourceCommand, { resourceArn: 'arn:b' }).resolves({ tags: [] });
  expect(await provider.listInstances('saas-web')).toEqual([{ name: 'tenantA', wave: 2 }, { name: 'tenantB', wave: undefined }]);
});

test('a release: UpdateServiceInstance (CURRENT_VERSION) with the new image in the spec, then looked at until SUCCEEDED', async () => {
  proton.on(GetServiceInstanceCommand)
    .resolvesOnce(instance('SUCCEEDED', 'img:1'))
    .resolvesOnce(instance('IN_PROGRESS', 'img:2'))
    .resolves(instance('SUCCEEDED', 'img:2'));
  proton.on(UpdateServiceInstanceCommand).resolves({});
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'PENDING' });
  const update = proton.commandCalls(UpdateServiceInstanceCommand)[0].args[0].input;
  expect(update).toMatchObject({ serviceName: 'saas-web', name: 'tenantA', deploymentType: 'CURRENT_VERSION' });
  expect(parse(update.spec!)).toEqual({ proton: 'ServiceSpec', spec: { port: 80, image: 'img:2' } });
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'PENDING' });
  expect(await provider.deploy('saas-web', 'tenantA', 'img:2')).toEqual({ state: 'DONE' });
  expect(proton.commandCalls(UpdateServiceInstanceCommand)).toHaveLength(1);
});

test('a failed Proton deployment is FAILED with its message', async () => {
  proton.on(GetServiceInstanceCommand).resolves(instance('FAILED', 'img:3', 'CloudFormation stack update failed'));
  expect(await provider.deploy('saas-web', 'tenantA', 'img:3')).toEqual({ state: 'FAILED', reason: 'Proton deployment FAILED: CloudFormation stack update failed' });
  expect(await provider.healthCheck('saas-web', 'tenantA')).toEqual({ healthy: false, reason: 'deployment FAILED' });
});
