import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * The sample serverless workload. Each tenant's instance of the serverless service template
 * deploys this handler with TENANT_ID / TENANT_TIER / APP_VERSION in its environment.
 */
export async function handler(event: Pick<APIGatewayProxyEvent, 'path' | 'httpMethod'>): Promise<APIGatewayProxyResult> {
  const body = {
    tenantId: process.env.TENANT_ID ?? 'unknown-tenant',
    tier: process.env.TENANT_TIER ?? 'unknown-tier',
    version: process.env.APP_VERSION ?? 'dev',
    path: event.path,
    message: `Hello from ${process.env.TENANT_ID ?? 'an unknown tenant'}`,
  };
  if (event.path === '/health') {
    return json(200, { status: 'ok', tenantId: body.tenantId, tier: body.tier, version: body.version });
  }
  if (event.httpMethod !== 'GET') {
    return json(405, { error: `${event.httpMethod} is not supported; use GET` });
  }
  return json(200, body);
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
