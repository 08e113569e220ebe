/**
 * Alert filters: the seed-001 extendedness filter as plain functions, an
 * ANTARES-style locus adapter and the `filter-extendedness` batch step.
 *
 * @example
 * import { passesExtendedness } from 'alertflow/filters';
 * if (passesExtendedness(alert, { requireSsSource: false })) …
 */
export { passesExtendedness, evaluateExtendedness, extendednessStats, resolveExtendednessConfig, statsOf, statsPass, alertOf, EXTENDEDNESS_FIELDS } from './extendedness.js';
export type { ExtendednessConfig, ResolvedExtendednessConfig, ExtendednessStats, ExtendednessVerdict } from './extendedness.js';
export { hasSolarSystemAssociation, isSolarSystemTag, isAssociatedId, SOLAR_SYSTEM_TAGS, SOLAR_SYSTEM_FIELDS } from './solar-system.js';
export { alertToLocus, createExtendednessLocusFilter, LOCUS_PREFIX } from './locus.js';
export type { Locus, LocusAlert, LocusFilterResult } from './locus.js';
export { createFilterExtendednessStep, guessLsstSchema } from './extendedness-step.js';
export type { ExtendednessAlert } from './extendedness-step.js';
