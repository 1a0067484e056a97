import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { handler } from '../src';

const ENV = { TENANT_ID: 'tenantB', TENANT_TIER: 'standard', APP_VERSION: 'v7' };

beforeEach(() => Object.assign(process.env, ENV));
afterEach(() => Object.keys(ENV).forEach((k) => delete process.env[k]));

test('answers tenant-aware JSON', async () => {
  const res = await handler({ path: '/hello', httpMethod: 'GET' });
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body)).toEqual({
    tenantId: 'tenantB',
    tier: 'standard',
    version: 'v7',
    path: '/hello',
    message: 'Hello from tenantB',
  });
});

test('/health reports the identity; other methods are refused', async () => {
  expect(JSON.parse((await handler({ path: '/health', httpMethod: 'GET' })).body)).toEqual({
    status: 'ok',
    tenantId: 'tenantB',
    tier: 'standard',
    version: 'v7',
  });
  expect((await handler({ path: '/', httpMethod: 'DELETE' })).statusCode).toBe(405);
});

// The esbuild bundle (built before the tests by Nx) is what Lambda runs: check it behaves the same.
const bundle = join(__dirname, '..', 'dist', 'index', 'index.js');
test('the Lambda bundle exports the same handler', () => {
  const out = execFileSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(bundle)}).handler({path:'/x',httpMethod:'GET'}).then(r=>console.log(r.body))`],
    { env: { ...process.env, ...ENV }, encoding: 'utf8' },
  );
  expect(JSON.parse(out).tenantId).toBe('tenantB');
});
