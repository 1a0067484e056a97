import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface AppIdentity {
  readonly tenantId: string;
  readonly tier: string;
  readonly version: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPage(id: AppIdentity): string {
  const [tenant, tier, version] = [id.tenantId, id.tier, id.version].map(escapeHtml);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${tenant} · SaaS app</title></head>
<body>
<h1>Hello, ${tenant}</h1>
<dl>
<dt>Tenant</dt><dd id="tenant">${tenant}</dd>
<dt>Tier</dt><dd id="tier">${tier}</dd>
<dt>Version</dt><dd id="version">${version}</dd>
</dl>
</body>
</html>
`;
}

function handle(id: AppIdentity, req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', ...id }));
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(renderPage(id));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
}

/** Starts the app on `port` (0 = any free port) on loopback unless `host` says otherwise. */
export async function startServer(
  id: AppIdentity,
  port = 0,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => handle(id, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}
