/** `alertflow simulate`: writes a seeded simulated night of Rubin v11 alerts to an Avro container file. */
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { simulateNight, type SimulateNightOptions } from '../../simulator/index.js';
import { requireBuiltInSchema } from '../../formats/avro/builtin.js';
import { encodeBody } from '../../formats/avro/body.js';
import { OcfFileWriter } from '../../formats/avro/ocf/write.js';
import type { OcfCodecName } from '../../formats/avro/ocf/codecs.js';
import { Progress } from '../progress.js';
import { AlertflowError } from '../../errors.js';

export interface SimulateFileOptions extends SimulateNightOptions {
  out: string;
  codec?: OcfCodecName;
  quiet?: boolean;
}

export interface SimulateFileResult {
  path: string;
  alerts: number;
  solarSystem: number;
  bytes: number;
  meanPacketBytes: number;
  seconds: number;
}

/**
 * Simulates a night into an OCF (written to `<out>.partial`, renamed when complete).
 *
 * @example
 * await simulateToFile({ alerts: 20000, seed: 42, out: 'night.avro' });
 */
export async function simulateToFile(o: SimulateFileOptions): Promise<SimulateFileResult> {
  const schema = requireBuiltInSchema('lsst.v11_0');
  const path = resolve(o.out);
  mkdirSync(dirname(path), { recursive: true });
  const started = performance.now();
  const writer = await OcfFileWriter.create(`${path}.partial`, schema.json, { codec: o.codec ?? 'null', recordsPerBlock: 64 });
  const progress = new Progress({ label: 'simulate', total: o.alerts, unit: 'alerts', quiet: o.quiet === true });
  let alerts = 0;
  let solarSystem = 0;
  let packetBytes = 0;
  try {
    for (const { alert, truth } of simulateNight(o)) {
      const body = encodeBody(schema.type, alert);
      packetBytes += body.length;
      await writer.append(body);
      alerts++;
      if (truth.isSolarSystem) solarSystem++;
      if (alerts % 100 === 0) progress.update(alerts);
    }
    await writer.close();
  } finally {
    progress.update(alerts);
    progress.stop();
  }
  renameSync(`${path}.partial`, path);
  return { path, alerts, solarSystem, bytes: statSync(path).size, meanPacketBytes: alerts ? Math.round(packetBytes / alerts) : 0, seconds: (performance.now() - started) / 1000 };
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AlertflowError('ERR_CLI_USAGE', `${name} must be a non-negative integer (got ${value})`);
  return n;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Write a seeded, deterministic night of simulated Rubin lsst.v11_0 alerts (with FITS cutouts) to an Avro container file')
    .requiredOption('--alerts <n>', 'number of alerts')
    .requiredOption('--out <file>', 'output .avro file')
    .option('--visits <n>', 'number of visits (default max(20, alerts/1000))')
    .option('--seed <n>', 'PRNG seed', '1')
    .option('--codec <codec>', 'container codec: null, deflate or snappy', 'null')
    .option('--cutout-size <px>', 'cutout width and height in pixels', '30')
    .option('--quiet', 'no progress bar')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const visits = positiveInt('--visits', o.visits as string | undefined);
      const result = await simulateToFile({
        alerts: positiveInt('--alerts', o.alerts as string)!,
        ...(visits !== undefined ? { visits } : {}),
        seed: positiveInt('--seed', o.seed as string)!,
        cutoutSize: positiveInt('--cutout-size', o.cutoutSize as string)!,
        codec: o.codec as OcfCodecName,
        out: o.out as string,
        quiet: o.quiet === true,
      });
      process.stderr.write(
        `simulated ${result.alerts} alerts (${result.solarSystem} solar-system) in ${result.seconds.toFixed(1)} s; mean packet ${(result.meanPacketBytes / 1024).toFixed(1)} KiB\n` +
          `wrote ${result.path} (${(result.bytes / 2 ** 20).toFixed(1)} MiB)\n`,
      );
    });
}
