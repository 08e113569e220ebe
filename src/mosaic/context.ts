/**
 * What every pipeline stage shares: the layout, the database, the pluggable
 * converter/solver/imager/mosaic builder, the site, a clock and the
 * checkpoint hook (where a crash test may kill the process).
 */
import { existsSync } from 'node:fs';
import { simulatedSolver, type CalibrationSolver } from './calibrate.js';
import { simulatedConverter, type Converter } from './convert.js';
import { simulatedImager, type Imager } from './image.js';
import { weightedMosaic, type MosaicBuilder } from './mosaic.js';
import type { MsRow, ProductsDb } from './products-db.js';
import { msPaths, type MosaicLayout } from './staging.js';
import { DSA110_SITE, type Site } from './transit.js';

/** Options of a streaming-mosaic pipeline. */
export interface StreamingMosaicOptions {
  /** Pipeline root (`/stage/dsa110-contimg`): staging, ms, images, mosaics, products.duckdb. */
  root: string;
  /** Folder the correlator writes subband files into (read only: never modified). */
  incoming: string;
  converter?: Converter;
  solver?: CalibrationSolver;
  imager?: Imager;
  mosaic?: MosaicBuilder;
  site?: Site;
  /** Clock in seconds (created_at and friends). Default: wall clock. */
  now?: () => number;
  /** Called between a file operation and the database write that records it. */
  onCheckpoint?: (label: string) => void;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** The resolved context. */
export interface PipelineContext {
  layout: MosaicLayout;
  incoming: string;
  db: ProductsDb;
  converter: Converter;
  solver: CalibrationSolver;
  imager: Imager;
  mosaic: MosaicBuilder;
  site: Site;
  now: () => number;
  checkpoint: (label: string) => void;
  log: (message: string) => void;
}

/**
 * Fills in the simulated defaults.
 *
 * @example
 * const ctx = contextOf({ root, incoming }, layoutOf(root), db);
 */
export function contextOf(o: StreamingMosaicOptions, layout: MosaicLayout, db: ProductsDb): PipelineContext {
  return {
    layout,
    incoming: o.incoming,
    db,
    converter: o.converter ?? simulatedConverter({ site: o.site }),
    solver: o.solver ?? simulatedSolver(),
    imager: o.imager ?? simulatedImager(),
    mosaic: o.mosaic ?? weightedMosaic,
    site: o.site ?? DSA110_SITE,
    now: o.now ?? (() => Date.now() / 1000),
    checkpoint: o.onCheckpoint ?? (() => {}),
    log: o.log ?? (() => {}),
  };
}

/**
 * Where an MS is now: its recorded path, or (after a crash between a move and
 * its database update) one of its organised locations.
 *
 * @example
 * const dir = locateMs(ctx.layout, row);
 */
export function locateMs(layout: MosaicLayout, row: MsRow): string {
  const p = msPaths(layout, row.timestamp);
  for (const c of [row.path, p.converted, p.calibrator, p.science]) if (existsSync(c)) return c;
  return row.path;
}
