/**
 * `alertflow streaming-mosaic …`: the DSA-110 streaming mosaic workflow
 * (seed 004) over the simulated instrument: process, check-groups,
 * clear-calibration, serve (status page) and simulate (a night of subband files).
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import { StreamingMosaic } from '../../mosaic/process.js';
import { simulateNight } from '../../mosaic/sim.js';
import { serveStatus } from '../../mosaic/web.js';

interface Common {
  root: string;
  incoming?: string;
  json?: boolean;
}

const open = (o: Common): Promise<StreamingMosaic> => StreamingMosaic.open({ root: o.root, incoming: o.incoming ?? o.root, log: (m) => process.stderr.write(`${m}\n`) });
const intOf = (v: string, flag: string, min = 0): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new AlertflowError('ERR_CLI_USAGE', `${flag} must be an integer >= ${min} (got ${v})`);
  return n;
};
const out = (o: Common, value: unknown, text: string): void => {
  process.stdout.write(o.json ? `${JSON.stringify(value, null, 1)}\n` : `${text}\n`);
};

/** Registers `streaming-mosaic` and its subcommands. */
export function registerStreamingMosaicCommand(program: Command): void {
  const sm = program
    .command('streaming-mosaic')
    .description('DSA-110 streaming mosaics: 16-subband groups -> MS -> groups of 10 (2 overlap) -> calibrate, image, mosaic')
    .addHelpText('after', '\nState lives in ROOT/products.duckdb (ms_index, storage_locations, mosaic_groups, cal_registry); every command can be re-run after a crash.');

  sm.command('process')
    .description('Stage complete groups from --incoming (copying; incoming is never modified), convert, form groups and process them')
    .requiredOption('--root <dir>', 'pipeline root: hdf5/ (staging), ms/{calibrators,science,failed}/YYYY-MM-DD, images/, mosaics/, products.duckdb')
    .requiredOption('--incoming <dir>', 'folder with <timestamp>_sb00.hdf5 .. _sb15.hdf5 files')
    .option('--watch', 'keep polling --incoming until interrupted (SIGINT/SIGTERM)')
    .option('--interval <s>', 'seconds between polls with --watch', '30')
    .option('--status-port <port>', 'also serve the status page on 127.0.0.1:PORT while processing')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', ['', 'The converter, calibration solver and imager are the simulated ones (see docs); the library accepts real ones.', '', 'Example:', '  alertflow streaming-mosaic simulate --incoming ./incoming --observations 40', '  alertflow streaming-mosaic process --root ./stage --incoming ./incoming'].join('\n'))
    .action(async (o: Common & { watch?: boolean; interval: string; statusPort?: string }) => {
      const interval = intOf(o.interval, '--interval', 1);
      const p = await open(o);
      const web = o.statusPort !== undefined ? await serveStatus(() => p.status(), intOf(o.statusPort, '--status-port'), o.root) : undefined;
      if (web) process.stderr.write(`status page: ${web.url}\n`);
      let stop = false;
      const onSignal = (): void => void (stop = true);
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        do {
          const s = await p.processOnce();
          const st = await p.status();
          out(o, { pass: s, status: st }, `staged ${s.staged}, converted ${s.converted} (${s.conversionFailed} failed), groups formed ${s.groupsFormed}, finished ${s.groupsFinished}; mosaics done ${st.mosaicsDone}/${st.groupsFormed}`);
          for (let t = 0; o.watch && !stop && t < interval * 10; t++) await new Promise((r) => setTimeout(r, 100));
        } while (o.watch && !stop);
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        await web?.close();
        await p.close();
      }
    });

  sm.command('check-groups')
    .description('Report which converted MS are waiting for a group, how many more the next group needs, and each group\'s status')
    .requiredOption('--root <dir>', 'pipeline root')
    .requiredOption('--incoming <dir>', 'incoming folder (to list incomplete subband groups)')
    .option('--json', 'print as JSON')
    .action(async (o: Common) => {
      const p = await open(o);
      try {
        const c = await p.checkGroups();
        const lines = [
          `${c.groups.length} groups: ${c.groups.map((g) => `${g.group_id} ${g.status}`).join(', ') || 'none'}`,
          `${c.ungrouped.length} converted MS not yet in a group; the next group needs ${c.neededForNextGroup} more`,
          `${c.incompleteIncoming.length} incomplete subband groups in incoming${c.incompleteIncoming.map((i) => `\n  ${i.timestamp}: ${i.subbands.length}/16`).join('')}`,
        ];
        out(o, c, lines.join('\n'));
      } finally {
        await p.close();
      }
    });

  sm.command('clear-calibration')
    .description('Remove applied calibration from MS files (the overlap tiles) and set cal_applied = 0')
    .requiredOption('--root <dir>', 'pipeline root')
    .option('--ms <timestamp...>', 'MS timestamps (YYYY-MM-DDTHH:MM:SS)')
    .option('--group <id>', 'a group id: clears its last 2 MS, the overlap handed to the next group')
    .option('--json', 'print as JSON')
    .action(async (o: Common & { ms?: string[]; group?: string }) => {
      if (!o.ms && !o.group) throw new AlertflowError('ERR_CLI_USAGE', 'give --ms TIMESTAMP... or --group ID');
      const p = await open(o);
      try {
        const cleared = await p.clearCalibration({ timestamps: o.ms, groupId: o.group });
        out(o, { cleared }, `cleared calibration of ${cleared.length} MS: ${cleared.join(', ')}`);
      } finally {
        await p.close();
      }
    });

  sm.command('serve')
    .description('Serve the status page (MS in staging, groups formed, calibration success rate, mosaics done) on 127.0.0.1')
    .requiredOption('--root <dir>', 'pipeline root')
    .option('--port <port>', 'port (0 = any free port)', '8787')
    .action(async (o: Common & { port: string }) => {
      const p = await open(o);
      const web = await serveStatus(() => p.status(), intOf(o.port, '--port'), o.root);
      process.stdout.write(`status page: ${web.url} (JSON at ${web.url}status.json); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await web.close();
      await p.close();
    });

  sm.command('simulate')
    .description('Write a seeded night of simulated 16-subband observations (5 min each) into an incoming folder')
    .requiredOption('--incoming <dir>', 'folder to write into')
    .option('--observations <n>', 'number of 5-minute observations', '40')
    .option('--dec <deg>', 'pointing declination (a VLA calibrator must lie within 1.5°)', '30.5')
    .option('--seed <text>', 'sky and noise seed', 'dsa110-sim')
    .action((o: { incoming: string; observations: string; dec: string; seed: string }) => {
      const dec = Number(o.dec);
      if (!Number.isFinite(dec) || Math.abs(dec) > 90) throw new AlertflowError('ERR_CLI_USAGE', `--dec must be a declination in degrees (got ${o.dec})`);
      const stamps = simulateNight({ incoming: o.incoming, observations: intOf(o.observations, '--observations', 1), decDeg: dec, seed: o.seed });
      process.stdout.write(`wrote ${stamps.length} observations x 16 subbands to ${o.incoming} (${stamps[0]} .. ${stamps.at(-1)})\n`);
    });
}
