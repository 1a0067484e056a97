import { createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { UserError } from '@tenant-waves/control-plane';
import { Command, flag, positionals, str } from '../command';
import { openContext, withContext } from '../context';
import { printJson } from '../output';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve every tenant\'s deployed instances over HTTP, at stable URLs',
  usage: 'tenant serve [--port N]',
  help: `A local front door (as a load balancer / API Gateway would be): one HTTP server on loopback
that routes /<tenantId>/<service>/... to the process serving that instance's current version,
so a URL stays the same across releases and rollbacks. An instance whose process is gone
(after a reboot or tenant stop) is started again on its first request.

  /                    the tenants and their instances, with links
  /api/tenants         the same as tenant list --json
  /<tenant>/<service>/ the instance (e.g. /tenantA/saas-web/health)

The port is remembered in the state directory: tenant list shows URLs on it.

Options:
  --port N   the port (default 8080; 0 picks a free one)

Example:
  tenant serve --port 8080`,
  options: { port: { type: 'string' } },
  async run(args, io) {
    positionals(this, args, []);
    const portText = str(args, 'port') ?? '8080';
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UserError('E_OPTION', `--port must be 0 to 65535, got ${JSON.stringify(portText)}`);
    const ctx = await openContext(args, io);
    const server = createServer(async (req, res) => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const [tenantId, service, ...rest] = url.pathname.split('/').filter(Boolean);
        if (!tenantId) {
          const views = await ctx.controlPlane.tenantViews();
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tenants</title></head><body><h1>Tenants</h1><table>
<tr><th>Tenant</th><th>Tier</th><th>Wave</th><th>Service</th><th>Version</th><th>Status</th></tr>
${views.flatMap((v) => v.instances.map((i) => `<tr><td>${esc(v.tenantId)}</td><td>${v.tier}</td><td>${v.wave ?? '-'}</td><td>${i.url ? `<a href="/${esc(v.tenantId)}/${esc(i.service)}/">${esc(i.service)}</a>` : esc(i.service)}</td><td>${esc(i.version ?? '-')}</td><td>${i.status}</td></tr>`)).join('\n')}
</table></body></html>\n`);
          return;
        }
        if (tenantId === 'api' && service === 'tenants') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(await ctx.controlPlane.tenantViews()));
          return;
        }
        const inst = service ? await ctx.store.getInstance(service, tenantId) : undefined;
        if (!inst?.version) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`no deployed instance at /${tenantId}/${service ?? ''}\n`);
          return;
        }
        const status = await ctx.provider.ensureRunning(inst.service, inst.tenantId);
        if (status.state !== 'RUNNING' || !status.endpoint) {
          res.writeHead(503, { 'content-type': 'text/plain' }).end(`${service} for ${tenantId} is not running (${status.state})\n`);
          return;
        }
        const target = new URL(`/${rest.join('/')}${url.search}`, status.endpoint);
        const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', (e) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream error: ${e.message}\n`));
        req.pipe(upstream);
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${(e as Error).message}\n`);
      }
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new UserError('E_PORT_IN_USE', `port ${portText} is in use; pick another with --port N (0 = any free port)`) : e));
      server.listen(Number(portText), '127.0.0.1', () => ok());
    }).catch((e) => {
      ctx.close();
      throw e;
    });
    const port = (server.address() as AddressInfo).port;
    await ctx.store.setSetting('serve.port', String(port));
    const views = await ctx.controlPlane.tenantViews();
    io.out(`Serving ${views.reduce((n, v) => n + v.instances.filter((i) => i.url).length, 0)} instances at http://127.0.0.1:${port}/ (Ctrl-C to stop)\n`);
    for (const v of views) for (const i of v.instances) if (i.url) io.out(`  ${i.url}  ${v.tenantId} ${i.service} ${i.version}\n`);
    await new Promise<void>((r) => {
      process.once('SIGINT', r);
      process.once('SIGTERM', r);
    });
    server.close();
    ctx.close();
    return 0;
  },
};

export const stopCommand: Command = {
  name: 'stop',
  summary: 'Stop the local processes of every instance (or one tenant\'s); they keep their versions',
  usage: 'tenant stop [<tenantId>]',
  help: `Stops the workload processes the local backend runs. Nothing is undeployed: versions stay
in the registry, and tenant serve (or the next release) starts them again.

Examples:
  tenant stop
  tenant stop tenantA`,
  options: {},
  async run(args, io) {
    const { tenantId } = positionals(this, args, [], ['tenantId']);
    return withContext(args, io, async (ctx) => {
      if (tenantId !== undefined) await ctx.controlPlane.requireTenant(tenantId);
      const stopped: string[] = [];
      for (const i of await ctx.store.listInstances(tenantId ? { tenantId } : {})) {
        if (await ctx.provider.stopInstance(i.service, i.tenantId)) stopped.push(`${i.service}/${i.tenantId}`);
      }
      if (flag(args, 'json')) printJson(io, { stopped });
      else io.out(stopped.length ? `Stopped ${stopped.length} instance process${stopped.length === 1 ? '' : 'es'}: ${stopped.join(', ')}\n` : 'No instance process was running.\n');
      return 0;
    });
  },
};
