/**
 * `operators` bench: the science operators side by side with their Python
 * references in one run — associate (40,000 sources against 1,000,000
 * objects) vs astropy, forced photometry vs photutils, HEALPix ang2pix vs
 * healpy/cdshealpix, and filterExtendedness on Rubin v11 packets.
 */
import type { BenchOptions, BenchReport } from './lib/types.js';
import { composeBenches } from './lib/compose.js';
import { benchAssociate } from './operators/associate.js';
import { benchForced } from './operators/forced.js';
import { benchHealpix } from './operators/healpix.js';
import { benchFilter } from './operators/filter.js';

export async function run(options: BenchOptions): Promise<BenchReport> {
  const report = await composeBenches({
    associate: () => benchAssociate({ objects: 1_000_000, sources: 40_000, seed: options.seed, repeat: Math.min(options.repeat, 2) }),
    forcedPhotometry: () => benchForced({ seed: options.seed }),
    healpix: () => benchHealpix({ points: 1_000_000, seed: options.seed }),
    filterExtendedness: () => benchFilter({ alerts: options.alerts, seed: options.seed, repeat: options.repeat }),
  });
  report.inputs = { seed: options.seed, associate: { objects: 1_000_000, sources: 40_000 }, healpix: { points: 1_000_000 }, filterExtendedness: { alerts: options.alerts } };
  return report;
}
