/**
 * The publication service's web app (node:http, 127.0.0.1 by default), for
 * the Data Curation team: status counts per repository and status, the
 * tasks (ready / failed / paused), a per-dataset history page, and admin
 * commands as plain POST forms that work without JavaScript:
 *
 *   GET  /                   status page (refreshes every 10 s)
 *   GET  /status.json        the same counts as JSON
 *   GET  /dataset/<id>       one dataset: state, collections, failures, history
 *   POST /admin/pause        task=NAME
 *   POST /admin/resume       task=NAME
 *   POST /admin/force-expire dataset_id=UUID
 *   POST /admin/retry        dataset_id=UUID and/or task=NAME
 *
 * A POST answers 303 See Other back to the page it came from (field `back`)
 * with a message; a rejected command answers 400. There is no login: bind
 * it to loopback (the default) or put it behind an authenticating proxy.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAlertflowError } from '../errors.js';
import type { PublicationService } from './service.js';
import { REPOSITORIES } from './state-db.js';
import { STATUS_VALUES, type StatusCounts } from './status.js';
import { TASK_NAMES } from './tasks.js';

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (ms: number | null): string => (ms === null || ms === undefined ? '' : new Date(Number(ms)).toISOString().replace('.000Z', 'Z'));

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}h1{font-size:20px}h2{font-size:16px;margin-top:22px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.PRESENT{color:#1a7f37}.DELETED{color:#777}.EXPIRED{color:#b26a00}.paused{color:#c62828;font-weight:600}.msg{background:#fff8c5;border:1px solid #e3d26f;padding:6px 10px;display:inline-block}
form.inline{display:inline;margin:0}button{font:inherit}.err{color:#c62828}code{font-size:12px}`;

const page = (title: string, body: string, refresh = false): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="10">' : ''}<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;

const form = (action: string, fields: Record<string, string>, label: string, back: string): string =>
  `<form class="inline" method="post" action="${action}">${Object.entries({ ...fields, back })
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('')}<button type="submit">${esc(label)}</button></form>`;

const flash = (msg: string | null): string => (msg ? `<p class="msg" id="msg">${esc(msg)}</p>` : '');

/**
 * The HTML of the status page.
 *
 * @example
 * renderStatusPage(await pps.status(), 'prompt publication')
 */
export function renderStatusPage(s: StatusCounts, title: string, msg: string | null = null): string {
  const head = `<tr><th>repository</th>${STATUS_VALUES.map((v) => `<th>${v === 'none' ? 'not yet' : v}</th>`).join('')}</tr>`;
  const repoRows = REPOSITORIES.map((r) => `<tr id="repo-${r}"><td>${r === 'public' ? 'public (end-user Butler)' : r}</td>${STATUS_VALUES.map((v) => `<td class="n ${v}" data-repo="${r}" data-status="${v}">${s.byRepository[r][v] ?? 0}</td>`).join('')}</tr>`).join('');
  const taskRows = s.tasks
    .map(
      (t) =>
        `<tr id="task-${t.name}"><td><code>${t.name}</code></td><td>${esc(t.title)}</td><td class="n" data-ready="${t.name}">${t.ready}</td><td class="n" data-failed="${t.name}">${t.failed}</td><td class="${t.paused ? 'paused' : ''}">${t.paused ? 'paused' : 'running'}</td><td>${form(t.paused ? '/admin/resume' : '/admin/pause', { task: t.name }, t.paused ? 'resume' : 'pause', '/')}${t.failed > 0 ? ` ${form('/admin/retry', { task: t.name }, 'retry failed', '/')}` : ''}</td></tr>`,
    )
    .join('');
  const colls = Object.entries(s.collections).map(([c, n]) => `<tr><td><code>${esc(c)}</code> TAGGED</td><td class="n" data-collection="${esc(c)}">${n}</td></tr>`).join('') || '<tr><td colspan="2">none yet</td></tr>';
  const errors = s.recentErrors.map((e) => `<tr><td><code>${esc(e.task)}</code></td><td><a href="/dataset/${esc(e.dataset_id)}">${esc(e.dataset_id)}</a></td><td class="err">${esc(e.error)}</td><td class="n">${e.attempts}</td><td>${form('/admin/retry', { dataset_id: e.dataset_id, task: e.task }, 'retry', '/')}</td></tr>`).join('');
  const admin = s.recentAdmin.map((a) => `<tr><td>${esc(a.time)}</td><td>${esc(a.action)}</td><td>${esc(a.target)}</td></tr>`).join('');
  return page(
    `prompt publication: ${title}`,
    `<h1>Prompt Publication Service — ${esc(title)}</h1>${flash(msg)}
<p><span id="total">${s.datasets}</span> datasets; clock ${esc(s.now)}. <a href="/status.json">status.json</a></p>
<h2>Datasets per repository and status</h2><table id="counts">${head}${repoRows}</table>
<h2>Tasks</h2><table id="tasks"><tr><th>task</th><th>lifecycle step</th><th>ready</th><th>failed</th><th>state</th><th>admin</th></tr>${taskRows}</table>
<h2>Collections</h2><table id="collections">${colls}</table>
<h2>Dataset</h2><form method="get" action="/dataset"><input name="id" size="40" placeholder="dataset UUID"> <button type="submit">show history</button></form>
<form method="post" action="/admin/force-expire" style="margin-top:6px"><input name="dataset_id" size="40" placeholder="dataset UUID"><input type="hidden" name="back" value="/"> <button type="submit">force expire</button></form>
<h2>Open failures</h2><table id="errors"><tr><th>task</th><th>dataset</th><th>error</th><th>attempts</th><th></th></tr>${errors || '<tr><td colspan="5">none</td></tr>'}</table>
<h2>Recent admin actions</h2><table id="admin"><tr><th>time</th><th>action</th><th>target</th></tr>${admin || '<tr><td colspan="3">none</td></tr>'}</table>`,
    true,
  );
}

type Info = NonNullable<Awaited<ReturnType<PublicationService['datasetInfo']>>>;

/**
 * The HTML of one dataset's page.
 *
 * @example
 * renderDatasetPage((await pps.datasetInfo(id))!)
 */
export function renderDatasetPage(info: Info, msg: string | null = null): string {
  const r = info.row;
  const back = `/dataset/${r.dataset_id}`;
  const field = (k: string, v: unknown, cls = ''): string => `<tr><th>${esc(k)}</th><td class="${cls}" data-field="${esc(k)}">${esc(v)}</td></tr>`;
  const status = (k: 'embargo' | 'prompt_prep' | 'repo_main' | 'public'): string => field(`${k} status`, r[`${k}_status`] ?? '—', r[`${k}_status`] ?? '');
  const files = (JSON.parse(r.files) as string[]).map((f) => `<code>${esc(f)}</code>`).join('<br>');
  const history = info.history.map((e) => `<tr><td class="n">${e.seq}</td><td>${esc(iso(e.time))}</td><td>${esc(e.event)}</td><td>${esc(e.detail)}</td></tr>`).join('');
  const errors = info.errors.map((e) => `<tr><td><code>${esc(e.task)}</code></td><td class="err">${esc(e.error)}</td><td class="n">${e.attempts}</td><td>${form('/admin/retry', { dataset_id: r.dataset_id, task: e.task }, 'retry', back)}</td></tr>`).join('');
  return page(
    `dataset ${r.dataset_id}`,
    `<p><a href="/">← status</a></p><h1>Dataset <code>${esc(r.dataset_id)}</code></h1>${flash(msg)}
<table id="dataset">${field('dataset type', r.dataset_type)}${field('exposure time', iso(r.exposure_time))}${field('run', r.run ?? '')}${field('data ID', r.data_id ?? '')}
${status('embargo')}${status('prompt_prep')}${status('repo_main')}${status('public')}${field('publication time', iso(r.publication_time))}${field('expiry time', iso(r.expiry_time))}${field('expiry requested', r.expire_requested ? 'yes' : 'no')}
<tr><th>collections</th><td data-field="collections">${info.collections.map((c) => `<code>${esc(c)}</code>`).join(', ') || '—'}</td></tr><tr><th>files</th><td>${files}</td></tr></table>
<p>${r.public_status !== 'EXPIRED' ? form('/admin/force-expire', { dataset_id: r.dataset_id }, 'force expire', back) : ''} ${info.errors.length ? form('/admin/retry', { dataset_id: r.dataset_id }, 'retry all failed tasks', back) : ''}</p>
${info.errors.length ? `<h2>Open failures</h2><table id="errors"><tr><th>task</th><th>error</th><th>attempts</th><th></th></tr>${errors}</table>` : ''}
<h2>History</h2><table id="history"><tr><th>#</th><th>time</th><th>event</th><th>detail</th></tr>${history}</table>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 16_384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': type, ...headers }).end(body);
};

/** Options of {@link servePublication}. */
export interface ServePublicationOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  title?: string;
}

/**
 * Serves the web app (port 0 picks a free port).
 *
 * @example
 * const web = await servePublication(pps, { port: 8788 });
 * console.log(web.url); await web.close();
 */
export async function servePublication(pps: PublicationService, o: ServePublicationOptions = {}): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const title = o.title ?? pps.root;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const msg = url.searchParams.get('msg');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', renderStatusPage(await pps.status(), title, msg));
    if (req.method === 'GET' && path === '/status.json') return send(res, 200, 'application/json', `${JSON.stringify(await pps.status(), null, 1)}\n`);
    if (req.method === 'GET' && path === '/dataset') return send(res, 303, 'text/plain', 'see other\n', { location: `/dataset/${encodeURIComponent((url.searchParams.get('id') ?? '').trim())}` });
    if (req.method === 'GET' && path.startsWith('/dataset/')) {
      const info = await pps.datasetInfo(decodeURIComponent(path.slice('/dataset/'.length)));
      if (!info) return send(res, 404, 'text/html; charset=utf-8', page('not found', `<p><a href="/">← status</a></p><p class="err">no dataset ${esc(path.slice(9))}</p>`));
      return send(res, 200, 'text/html; charset=utf-8', renderDatasetPage(info, msg));
    }
    if (req.method === 'POST' && path.startsWith('/admin/')) {
      const f = await readForm(req);
      const back = (f.get('back') ?? '/').startsWith('/') ? (f.get('back') ?? '/') : '/';
      const id = f.get('dataset_id')?.trim() || undefined;
      const task = f.get('task')?.trim() || undefined;
      let done: string;
      try {
        const action = path.slice('/admin/'.length);
        if (action === 'pause' || action === 'resume') {
          if (!task || !(TASK_NAMES as readonly string[]).includes(task)) throw new Error(`unknown task "${task ?? ''}"`);
          await pps.setPaused(task, action === 'pause');
          done = `${action === 'pause' ? 'paused' : 'resumed'} ${task}`;
        } else if (action === 'force-expire') {
          if (!id) throw new Error('give a dataset id');
          await pps.forceExpire(id);
          done = `${id} will expire on the next pass`;
        } else if (action === 'retry') {
          const n = await pps.retry({ datasetId: id, task });
          done = `cleared ${n} failure(s); the next pass retries`;
        } else {
          return send(res, 404, 'text/plain', 'not found\n');
        }
      } catch (err) {
        const text = isAlertflowError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
        return send(res, 400, 'text/html; charset=utf-8', page('rejected', `<p class="err" id="msg">${esc(text)}</p><p><a href="${esc(back)}">back</a></p>`));
      }
      return send(res, 303, 'text/plain', 'see other\n', { location: `${back}?msg=${encodeURIComponent(done)}` });
    }
    send(res, 404, 'text/plain', 'not found\n');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `error: ${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const { port, address } = server.address() as AddressInfo;
  return { url: `http://${address}:${port}/`, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}
