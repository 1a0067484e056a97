// Container / process entry point. Configuration comes from the environment, as in ECS.
import { startServer } from './server';

const id = {
  tenantId: process.env.TENANT_ID ?? 'unknown-tenant',
  tier: process.env.TENANT_TIER ?? 'unknown-tier',
  version: process.env.APP_VERSION ?? 'dev',
};
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';

startServer(id, port, host).then(
  ({ server, url }) => {
    process.stdout.write(`saas-web ${id.version} for ${id.tenantId} listening on ${url}\n`);
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (err: Error) => {
    process.stderr.write(`saas-web: cannot listen on ${host}:${port}: ${err.message}\n`);
    process.exit(1);
  },
);
