/**
 * A small status page for the streaming mosaic (node:http, 127.0.0.1 only):
 * `/` is server-rendered HTML (readable without JavaScript, refreshes every
 * 5 s), `/status.json` the same counts as JSON.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusCounts } from './status.js';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The HTML of the status page.
 *
 * @example
 * renderStatusPage(await pipeline.status(), 'dsa110-contimg')
 */
export function renderStatusPage(s: StatusCounts, title: string): string {
  const rate = s.calibrationSuccessRate === null ? '–' : `${(100 * s.calibrationSuccessRate).toFixed(0)} %`;
  const card = (id: string, label: string, value: string | number) => `<div class="card" id="${id}"><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
  const stages = ['staging', 'converted', 'calibrated', 'imaged', 'mosaicked'];
  const total = Math.max(1, Object.values(s.msByStage).reduce((a, b) => a + b, 0));
  const bars = stages.map((st) => `<tr><td>${st}</td><td class="n" data-stage="${st}">${s.msByStage[st] ?? 0}</td><td class="barcell"><div class="bar" style="width:${(100 * (s.msByStage[st] ?? 0)) / total}%"></div></td></tr>`).join('');
  const groups = s.recentGroups.map((g) => `<tr class="${esc(g.status)}"><td>${esc(g.group_id)}</td><td>${esc(g.status)}</td><td>${esc(g.error ?? '')}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>streaming mosaic: ${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}h1{font-size:20px}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 18px;min-width:140px}.v{font-size:28px;font-weight:600}.l{color:#666}
table{border-collapse:collapse;margin-top:16px;background:#fff}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}.bar{background:#4a7bd0;height:12px;min-width:1px}
.n{text-align:right}.barcell{width:320px}tr.completed td:nth-child(2){color:#1a7f37}tr.calibration_failed td:nth-child(2),tr.mosaic_failed td:nth-child(2){color:#c62828}</style></head>
<body><h1>DSA-110 streaming mosaic — ${esc(title)}</h1><div class="cards">
${card('ms-staging', 'MS in staging', s.msInStaging)}${card('groups-formed', 'groups formed', s.groupsFormed)}${card('cal-rate', `calibration success (${s.calibrationSucceeded}/${s.calibrationAttempted})`, rate)}${card('mosaics-done', 'mosaics done', s.mosaicsDone)}${card('ms-failed', 'MS failed', s.msFailed)}${card('cal-tables', 'cal tables active / retired', `${s.activeCalTables} / ${s.retiredCalTables}`)}
</div><h2>MS by stage</h2><table id="stages"><tr><th>stage</th><th>MS</th><th></th></tr>${bars}</table>
<h2>Recent groups</h2><table id="groups"><tr><th>group</th><th>status</th><th>error</th></tr>${groups}</table></body></html>`;
}

/**
 * Serves the page on 127.0.0.1:`port` (0 picks a free port).
 *
 * @example
 * const { url, close } = await serveStatus(() => pipeline.status(), 8080, 'night 1');
 */
export async function serveStatus(counts: () => Promise<StatusCounts>, port: number, title: string): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '/status.json') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    counts().then(
      (s) => {
        if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderStatusPage(s, title));
        else res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(s)}\n`);
      },
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`status unavailable: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}/`, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}
