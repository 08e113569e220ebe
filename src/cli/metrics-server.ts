/** A tiny loopback HTTP endpoint for live metrics of a long-running graph. */
import { createServer, type Server } from 'node:http';
import type { RunMetrics } from '../runtime/metrics.js';

/**
 * Serves `/metrics` (Prometheus text) and `/metrics.json` on 127.0.0.1.
 *
 * @example
 * const server = await serveMetrics(handle.metrics, 9464);
 */
export function serveMetrics(metrics: RunMetrics, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.toPrometheus());
    } else if (req.url === '/metrics.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metrics.snapshot()));
    } else {
      res.writeHead(404).end('see /metrics or /metrics.json\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
