/**
 * The local stand-in for API Gateway + Lambda: a tiny HTTP server that turns each request
 * into an API Gateway proxy event, calls the build's `handler` and writes its result back.
 * It is written into every serverless build directory (`lambda-host.cjs`), so each kept
 * version runs on its own, with nothing of this package needed at run time.
 */
export const LAMBDA_HOST_FILE = 'lambda-host.cjs';

export const LAMBDA_HOST_SOURCE = `'use strict';
// Written by @tenant-waves/control-plane (local backend). Serves ./index.js's handler over HTTP.
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const mod = require('./index.js');
const handler = mod.handler || (mod.default && mod.default.handler);
if (typeof handler !== 'function') {
  process.stderr.write('lambda-host: index.js exports no "handler" function\\n');
  process.exit(1);
}
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url || '/', 'http://localhost');
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks).toString('utf8');
  const event = {
    resource: '/{proxy+}', path: url.pathname, httpMethod: req.method, headers: req.headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null,
    body: body === '' ? null : body, isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), stage: 'local', httpMethod: req.method, path: url.pathname },
  };
  const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: event.requestContext.requestId };
  try {
    const result = (await handler(event, context)) || {};
    res.writeHead(result.statusCode || 200, result.headers || {});
    res.end(result.isBase64Encoded ? Buffer.from(result.body || '', 'base64') : result.body || '');
  } catch (err) {
    process.stderr.write('lambda-host: handler failed: ' + (err && err.stack || err) + '\\n');
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Internal server error' }));
  }
});
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write('lambda-host: ' + process.env.AWS_LAMBDA_FUNCTION_NAME + ' on port ' + server.address().port + '\\n');
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;
