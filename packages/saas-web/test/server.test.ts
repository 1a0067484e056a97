import { Server } from 'node:http';
import { startServer } from '../src';

let server: Server;
let url: string;

beforeAll(async () => {
  ({ server, url } = await startServer({ tenantId: 'tenantA', tier: 'premium', version: 'v2' }));
});
afterAll(() => new Promise((r) => server.close(r)));

test('the page shows tenant, tier and version', async () => {
  const res = await fetch(`${url}/`);
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('<dd id="tenant">tenantA</dd>');
  expect(html).toContain('<dd id="tier">premium</dd>');
  expect(html).toContain('<dd id="version">v2</dd>');
});

test('/health answers JSON with the identity', async () => {
  const res = await fetch(`${url}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', tenantId: 'tenantA', tier: 'premium', version: 'v2' });
});

test('unknown paths are 404 and writes are refused', async () => {
  expect((await fetch(`${url}/nope`)).status).toBe(404);
  expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(405);
});

test('tenant names are escaped in the page', async () => {
  const other = await startServer({ tenantId: '<script>', tier: 't', version: 'v' });
  try {
    const html = await (await fetch(`${other.url}/`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  } finally {
    other.server.close();
  }
});
