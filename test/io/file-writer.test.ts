import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertflowError } from '../../src/errors.js';
import { createFileWriter } from '../../src/io/file-writer.js';

test('file writer: every file lands whole under its name, no temp files left, bytes exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fw-'));
  const writer = createFileWriter();
  try {
    const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 40 }, (_, i) => ({ path: join(dir, `${b}-${i}.fits`), bytes: Buffer.alloc(100 + i, b * 40 + i) })));
    await Promise.all(batches.map((files) => writer.writeAll(files)));
    assert.equal(readdirSync(dir).length, 200);
    for (const files of batches) for (const f of files) assert.deepEqual(readFileSync(f.path), Buffer.from(f.bytes));
    assert.ok(readdirSync(dir).every((n) => !n.endsWith('.tmp')));
  } finally {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file writer: an unwritable path is a typed ERR_IO naming it, and later batches still work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fw-'));
  const writer = createFileWriter({ fsync: true });
  try {
    const bad = join(dir, 'no-such-dir', 'x.fits');
    await assert.rejects(writer.writeAll([{ path: bad, bytes: Buffer.from('x') }]), (err: unknown) => err instanceof AlertflowError && err.code === 'ERR_IO' && err.message.includes(bad));
    await writer.writeAll([{ path: join(dir, 'ok.fits'), bytes: Buffer.from('ok') }]);
    assert.equal(readFileSync(join(dir, 'ok.fits'), 'utf8'), 'ok');
  } finally {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file writer: batch buffers come back and are reused, and no file gets another batch\'s bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fw-'));
  const writer = createFileWriter();
  try {
    // Big, small (fits in the returned buffer, whose tail still holds the big batch's bytes), bigger, empty files.
    const sizes = [[5000, 5000, 5000], [10, 3], [9000, 9000, 9000, 9000], [0, 0]];
    const written: { path: string; bytes: Buffer }[] = [];
    for (const [b, batch] of sizes.entries()) {
      const files = batch.map((n, i) => ({ path: join(dir, `${b}-${i}.fits`), bytes: Buffer.alloc(n, 0x41 + b * 4 + i) }));
      await writer.writeAll(files); // one at a time, so each batch can take the previous one's buffer
      written.push(...files);
    }
    for (const f of written) assert.ok(readFileSync(f.path).equals(f.bytes), f.path);
    assert.equal(readdirSync(dir).length, written.length);
  } finally {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
