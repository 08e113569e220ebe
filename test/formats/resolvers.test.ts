import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { builtInResolver, getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { canonicalForm } from '../../src/formats/avro/fingerprint.js';
import { registryResolver } from '../../src/formats/avro/resolvers/registry.js';
import { directoryResolver } from '../../src/formats/avro/resolvers/directory.js';
import { chainResolvers, createResolver } from '../../src/formats/avro/resolvers/chain.js';
import type { SchemaResolver } from '../../src/formats/avro/alert-schema.js';
import { lsstV11Schemas } from '../../src/formats/avro/schemas/lsst-v11.js';

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const v11 = getBuiltInSchema('lsst.v11_0')!;

async function startRegistry(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/schemas/ids/1100') {
      res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
      res.end(JSON.stringify({ schema: JSON.stringify(v11.json) }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

test('registry resolver: fetches, caches, 404 → ERR_SCHEMA_UNKNOWN, down → ERR_REGISTRY_UNAVAILABLE', async () => {
  const { server, url, requests } = await startRegistry();
  const r = registryResolver({ url, timeoutMs: 2000 });
  let closed = false;
  try {
    const s = await r.resolve(1100);
    assert.equal(s.name, 'lsst.v11_0');
    assert.equal(s.survey, 'lsst');
    assert.equal(s.id, 1100);
    assert.equal(canonicalForm(s.type), canonicalForm(v11.type));
    assert.equal(requests.length, 1);
    assert.equal(await r.resolve(1100), s);
    assert.equal(r.resolveSync?.(1100), s);
    assert.equal(requests.length, 1, 'second resolve is served from the cache');
    await assert.rejects(r.resolve(77), code('ERR_SCHEMA_UNKNOWN'));
    await new Promise<void>((res) => server.close(() => res()));
    server.closeAllConnections();
    closed = true;
    await assert.rejects(r.resolve(1000), code('ERR_REGISTRY_UNAVAILABLE'));
    assert.equal((await r.resolve(1100)).name, 'lsst.v11_0', 'cached schemas survive the registry going away');
  } finally {
    if (!closed) server.close();
  }
});

test('directory resolver: <id>.avsc and <major>.<minor>/ folders', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'alertflow-schemas-'));
  try {
    await writeFile(join(dir, '1100.json'), JSON.stringify(lsstV11Schemas));
    await mkdir(join(dir, '11.0'));
    for (const s of lsstV11Schemas) await writeFile(join(dir, '11.0', `${String(s['name'])}.avsc`), JSON.stringify(s));
    await writeFile(join(dir, '901.avsc'), JSON.stringify(v11.json));
    const r = directoryResolver(dir);
    assert.equal(canonicalForm((await r.resolve(1100)).type), canonicalForm(v11.type));
    assert.equal((await r.resolve(901)).name, 'lsst.v11_0');
    await rm(join(dir, '1100.json'));
    const fromFolder = await directoryResolver(dir).resolve(1100);
    assert.equal(canonicalForm(fromFolder.type), canonicalForm(v11.type));
    await assert.rejects(r.resolve(5), code('ERR_SCHEMA_UNKNOWN'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('chain resolver: falls through unknown ids, reports infrastructure failures', async () => {
  const failing: SchemaResolver = { resolve: async () => { throw Object.assign(new Error('down'), { code: 'ERR_REGISTRY_UNAVAILABLE' }); } };
  const chain = chainResolvers(builtInResolver(), failing);
  assert.equal((await chain.resolve(900)).name, 'lsst.v9_0');
  assert.equal(chain.resolveSync?.(1000)?.name, 'lsst.v10_0');
  await assert.rejects(chain.resolve(5), (e: unknown) => (e as Error).message === 'down');
  await assert.rejects(createResolver({}).resolve(5), code('ERR_SCHEMA_UNKNOWN'));
});
