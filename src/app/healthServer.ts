import { createServer, type Server } from 'node:http';
import type { AppContext } from './context.js';

/**
 * `metrics.listen`: `/metrics` (Prometheus text format), `/healthz` (the process
 * answers) and `/readyz` (200 when ready, 503 with the failing check otherwise), for a
 * load balancer, Kubernetes or a service monitor. Bind it to loopback or a private
 * network: it tells anyone who can reach it how busy the desk is.
 */
export async function startHealthServer(ctx: AppContext, listen: string, clock: () => Date): Promise<Server> {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const port = Number(listen.slice(colon + 1));
  const server = createServer((request, response) => {
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    const work = async () => {
      if (request.method !== 'GET') return reply(405, 'text/plain', 'GET only\n');
      if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
      if (path === '/readyz') {
        const readiness = await ctx.metrics.readiness(ctx.db, ctx.config, clock());
        return reply(readiness.ready ? 200 : 503, 'application/json', `${JSON.stringify(readiness)}\n`);
      }
      if (path === '/metrics') return reply(200, ctx.metrics.registry.contentType, await ctx.metrics.text(ctx.db, ctx.config, clock()));
      return reply(404, 'text/plain', 'not found: /metrics, /healthz, /readyz\n');
    };
    work().catch((error: unknown) => {
      ctx.logger.error({ err: error, path }, 'metrics request failed');
      if (!response.headersSent) reply(500, 'text/plain', 'error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  ctx.logger.info({ listen }, 'metrics and health served');
  return server;
}
