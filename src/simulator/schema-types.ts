/**
 * TypeScript shapes of the Rubin `lsst.v11_0` alert records, one property per
 * Avro field (longs as bigint, nullable fields as `T | null`, bytes as Buffer).
 * Field names and types are those of the public schema.
 */

/**
 * The `lsst.v11_0.diaSource` record.
 *
 * @example
 * const id = (r: LsstDiaSource) => r.diaSourceId;
 */
export interface LsstDiaSource {
  diaSourceId: bigint;
  visit: bigint;
  detector: number;
  diaObjectId: bigint | null;
  ssObjectId: bigint | null;
  parentDiaSourceId: bigint | null;
  midpointMjdTai: number;
  ra: number;
  raErr: number | null;
  dec: number;
  decErr: number | null;
  ra_dec_Cov: number | null;
  x: number;
  xErr: number | null;
  y: number;
  yErr: number | null;
  centroid_flag: boolean | null;
  apFlux: number | null;
  apFluxErr: number | null;
  apFlux_flag: boolean | null;
  apFlux_flag_apertureTruncated: boolean | null;
  isNegative: boolean | null;
  snr: number | null;
  psfFlux: number | null;
  psfFluxErr: number | null;
  psfLnL: number | null;
  psfChi2: number | null;
  psfNdata: number;
  psfFlux_flag: boolean | null;
  psfFlux_flag_edge: boolean | null;
  psfFlux_flag_noGoodPixels: boolean | null;
  trailFlux: number | null;
  trailFluxErr: number | null;
  trailRa: number | null;
  trailRaErr: number | null;
  trailDec: number | null;
  trailDecErr: number | null;
  trailLength: number | null;
  trailLengthErr: number | null;
  trailAngle: number | null;
  trailAngleErr: number | null;
  trailChi2: number | null;
  trailNdata: number;
  trail_flag_edge: boolean | null;
  dipoleMeanFlux: number | null;
  dipoleMeanFluxErr: number | null;
  dipoleFluxDiff: number | null;
  dipoleFluxDiffErr: number | null;
  dipoleLength: number | null;
  dipoleAngle: number | null;
  dipoleChi2: number | null;
  dipoleNdata: number;
  scienceFlux: number | null;
  scienceFluxErr: number | null;
  forced_PsfFlux_flag: boolean | null;
  forced_PsfFlux_flag_edge: boolean | null;
  forced_PsfFlux_flag_noGoodPixels: boolean | null;
  templateFlux: number | null;
  templateFluxErr: number | null;
  ixx: number | null;
  iyy: number | null;
  ixy: number | null;
  ixxPSF: number | null;
  iyyPSF: number | null;
  ixyPSF: number | null;
  shape_flag: boolean | null;
  shape_flag_no_pixels: boolean | null;
  shape_flag_not_contained: boolean | null;
  shape_flag_parent_source: boolean | null;
  extendedness: number | null;
  reliability: number | null;
  band: string | null;
  isDipole: boolean | null;
  dipoleFitAttempted: boolean | null;
  timeProcessedMjdTai: number;
  timeWithdrawnMjdTai: number | null;
  bboxSize: number;
  pixelFlags: boolean | null;
  pixelFlags_bad: boolean | null;
  pixelFlags_cr: boolean | null;
  pixelFlags_crCenter: boolean | null;
  pixelFlags_edge: boolean | null;
  pixelFlags_nodata: boolean | null;
  pixelFlags_nodataCenter: boolean | null;
  pixelFlags_interpolated: boolean | null;
  pixelFlags_interpolatedCenter: boolean | null;
  pixelFlags_offimage: boolean | null;
  pixelFlags_saturated: boolean | null;
  pixelFlags_saturatedCenter: boolean | null;
  pixelFlags_suspect: boolean | null;
  pixelFlags_suspectCenter: boolean | null;
  pixelFlags_streak: boolean | null;
  pixelFlags_streakCenter: boolean | null;
  pixelFlags_injected: boolean | null;
  pixelFlags_injectedCenter: boolean | null;
  pixelFlags_injected_template: boolean | null;
  pixelFlags_injected_templateCenter: boolean | null;
  glint_trail: boolean | null;
}

/**
 * The `lsst.v11_0.diaForcedSource` record.
 *
 * @example
 * const id = (r: LsstDiaForcedSource) => r.diaForcedSourceId;
 */
export interface LsstDiaForcedSource {
  diaForcedSourceId: bigint;
  diaObjectId: bigint;
  ra: number;
  dec: number;
  visit: bigint;
  detector: number;
  psfFlux: number | null;
  psfFluxErr: number | null;
  midpointMjdTai: number;
  scienceFlux: number | null;
  scienceFluxErr: number | null;
  band: string | null;
  timeProcessedMjdTai: number;
  timeWithdrawnMjdTai: number | null;
}

/**
 * The `lsst.v11_0.diaObject` record.
 *
 * @example
 * const id = (r: LsstDiaObject) => r.diaObjectId;
 */
export interface LsstDiaObject {
  diaObjectId: bigint;
  validityStartMjdTai: number;
  ra: number;
  raErr: number | null;
  dec: number;
  decErr: number | null;
  ra_dec_Cov: number | null;
  u_psfFluxMean: number | null;
  u_psfFluxMeanErr: number | null;
  u_psfFluxSigma: number | null;
  u_psfFluxNdata: number;
  u_fpFluxMean: number | null;
  u_fpFluxMeanErr: number | null;
  g_psfFluxMean: number | null;
  g_psfFluxMeanErr: number | null;
  g_psfFluxSigma: number | null;
  g_psfFluxNdata: number;
  g_fpFluxMean: number | null;
  g_fpFluxMeanErr: number | null;
  r_psfFluxMean: number | null;
  r_psfFluxMeanErr: number | null;
  r_psfFluxSigma: number | null;
  r_psfFluxNdata: number;
  r_fpFluxMean: number | null;
  r_fpFluxMeanErr: number | null;
  i_psfFluxMean: number | null;
  i_psfFluxMeanErr: number | null;
  i_psfFluxSigma: number | null;
  i_psfFluxNdata: number;
  i_fpFluxMean: number | null;
  i_fpFluxMeanErr: number | null;
  z_psfFluxMean: number | null;
  z_psfFluxMeanErr: number | null;
  z_psfFluxSigma: number | null;
  z_psfFluxNdata: number;
  z_fpFluxMean: number | null;
  z_fpFluxMeanErr: number | null;
  y_psfFluxMean: number | null;
  y_psfFluxMeanErr: number | null;
  y_psfFluxSigma: number | null;
  y_psfFluxNdata: number;
  y_fpFluxMean: number | null;
  y_fpFluxMeanErr: number | null;
  u_scienceFluxMean: number | null;
  u_scienceFluxMeanErr: number | null;
  g_scienceFluxMean: number | null;
  g_scienceFluxMeanErr: number | null;
  r_scienceFluxMean: number | null;
  r_scienceFluxMeanErr: number | null;
  i_scienceFluxMean: number | null;
  i_scienceFluxMeanErr: number | null;
  z_scienceFluxMean: number | null;
  z_scienceFluxMeanErr: number | null;
  y_scienceFluxMean: number | null;
  y_scienceFluxMeanErr: number | null;
  u_psfFluxMin: number | null;
  u_psfFluxMax: number | null;
  u_psfFluxMaxSlope: number | null;
  u_psfFluxErrMean: number | null;
  g_psfFluxMin: number | null;
  g_psfFluxMax: number | null;
  g_psfFluxMaxSlope: number | null;
  g_psfFluxErrMean: number | null;
  r_psfFluxMin: number | null;
  r_psfFluxMax: number | null;
  r_psfFluxMaxSlope: number | null;
  r_psfFluxErrMean: number | null;
  i_psfFluxMin: number | null;
  i_psfFluxMax: number | null;
  i_psfFluxMaxSlope: number | null;
  i_psfFluxErrMean: number | null;
  z_psfFluxMin: number | null;
  z_psfFluxMax: number | null;
  z_psfFluxMaxSlope: number | null;
  z_psfFluxErrMean: number | null;
  y_psfFluxMin: number | null;
  y_psfFluxMax: number | null;
  y_psfFluxMaxSlope: number | null;
  y_psfFluxErrMean: number | null;
  firstDiaSourceMjdTai: number | null;
  lastDiaSourceMjdTai: number | null;
  nDiaSources: number;
}

/**
 * The `lsst.v11_0.ssSource` record.
 *
 * @example
 * const id = (r: LsstSsSource) => r.diaSourceId;
 */
export interface LsstSsSource {
  diaSourceId: bigint;
  ssObjectId: bigint;
  designation: string | null;
  eclLambda: number;
  eclBeta: number;
  galLon: number;
  galLat: number;
  elongation: number | null;
  phaseAngle: number | null;
  topoRange: number | null;
  topoRangeRate: number | null;
  helioRange: number | null;
  helioRangeRate: number | null;
  ephRa: number | null;
  ephDec: number | null;
  ephVmag: number | null;
  ephRate: number | null;
  ephRateRa: number | null;
  ephRateDec: number | null;
  ephOffset: number | null;
  ephOffsetRa: number | null;
  ephOffsetDec: number | null;
  ephOffsetAlongTrack: number | null;
  ephOffsetCrossTrack: number | null;
  helio_x: number | null;
  helio_y: number | null;
  helio_z: number | null;
  helio_vx: number | null;
  helio_vy: number | null;
  helio_vz: number | null;
  helio_vtot: number | null;
  topo_x: number | null;
  topo_y: number | null;
  topo_z: number | null;
  topo_vx: number | null;
  topo_vy: number | null;
  topo_vz: number | null;
  topo_vtot: number | null;
  diaDistanceRank: number | null;
}

/**
 * The `lsst.v11_0.mpc_orbits` record.
 *
 * @example
 * const id = (r: LsstMpcOrbits) => r.id;
 */
export interface LsstMpcOrbits {
  id: number;
  designation: string;
  packed_primary_provisional_designation: string;
  unpacked_primary_provisional_designation: string;
  mpc_orb_jsonb: string | null;
  created_at: bigint | null;
  updated_at: bigint | null;
  orbit_type_int: number | null;
  u_param: number | null;
  nopp: number | null;
  arc_length_total: number | null;
  arc_length_sel: number | null;
  nobs_total: number | null;
  nobs_total_sel: number | null;
  a: number | null;
  q: number | null;
  e: number | null;
  i: number | null;
  node: number | null;
  argperi: number | null;
  peri_time: number | null;
  yarkovsky: number | null;
  srp: number | null;
  a1: number | null;
  a2: number | null;
  a3: number | null;
  dt: number | null;
  mean_anomaly: number | null;
  period: number | null;
  mean_motion: number | null;
  a_unc: number | null;
  q_unc: number | null;
  e_unc: number | null;
  i_unc: number | null;
  node_unc: number | null;
  argperi_unc: number | null;
  peri_time_unc: number | null;
  yarkovsky_unc: number | null;
  srp_unc: number | null;
  a1_unc: number | null;
  a2_unc: number | null;
  a3_unc: number | null;
  dt_unc: number | null;
  mean_anomaly_unc: number | null;
  period_unc: number | null;
  mean_motion_unc: number | null;
  epoch_mjd: number | null;
  h: number | null;
  g: number | null;
  not_normalized_rms: number | null;
  normalized_rms: number | null;
  earth_moid: number | null;
  fitting_datetime: bigint | null;
}

/**
 * The `lsst.v11_0.alert` record.
 *
 * @example
 * const id = (r: LsstAlert) => r.diaSourceId;
 */
export interface LsstAlert {
  diaSourceId: bigint;
  observation_reason: string | null;
  target_name: string | null;
  diaSource: LsstDiaSource;
  prvDiaSources: LsstDiaSource[] | null;
  prvDiaForcedSources: LsstDiaForcedSource[] | null;
  diaObject: LsstDiaObject | null;
  ssSource: LsstSsSource | null;
  mpc_orbits: LsstMpcOrbits | null;
  cutoutDifference: Buffer | null;
  cutoutScience: Buffer | null;
  cutoutTemplate: Buffer | null;
}
