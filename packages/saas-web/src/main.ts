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
    // Stop taking requests, drop idle keep-alive connections, let in-flight ones finish (1 s at most).
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 1000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (err: Error) => {
    process.stderr.write(`saas-web: cannot listen on ${host}:${port}: ${err.message}\n`);
    process.exit(1);
  },
);
