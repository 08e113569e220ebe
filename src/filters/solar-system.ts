/**
 * Does a Rubin alert belong to a known solar-system object? Checked every
 * way an alert can say so (seed 001): the diaSource's ssObjectId, an
 * ssSource / ssObject / orbit record in the packet, and broker tags.
 */

/**
 * Tag phrases that name a solar-system classification. A tag matches when,
 * split into lower-case words at any character that is not a letter or a
 * digit, it contains one of these phrases as consecutive words: so
 * `known_solar_system_object`, `SSO-candidate` and `asteroid` match, while
 * `lasso` or `solar_flare` do not.
 *
 * @example
 * SOLAR_SYSTEM_TAGS.includes('minor_planet') // true
 */
export const SOLAR_SYSTEM_TAGS: readonly string[] = [
  'solar_system',
  'solarsystem',
  'known_solar_system_object',
  'sso',
  'ssobject',
  'sssource',
  'asteroid',
  'asteroids',
  'minor_planet',
  'minor_planets',
  'comet',
  'comets',
  'neo',
];

const words = (s: string): string[] => s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
const PHRASES: readonly string[][] = SOLAR_SYSTEM_TAGS.map(words);

function containsPhrase(tagWords: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tagWords.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tagWords[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * True when a broker tag names a solar-system classification (see {@link SOLAR_SYSTEM_TAGS}).
 *
 * @example
 * isSolarSystemTag('known_solar_system_object') // true
 * isSolarSystemTag('extragalactic') // false
 */
export function isSolarSystemTag(tag: string): boolean {
  const w = words(tag);
  return PHRASES.some((p) => containsPhrase(w, p));
}

/**
 * An id that names an object: not null/undefined, and not 0 (the BOOM v9 packet has ssObjectId 0 for "none").
 *
 * @example
 * isAssociatedId(0n) // false
 */
export function isAssociatedId(id: unknown): boolean {
  if (id === null || id === undefined) return false;
  if (typeof id === 'bigint') return id !== 0n;
  if (typeof id === 'number') return id !== 0 && !Number.isNaN(id);
  if (typeof id === 'string') return id !== '' && id !== '0';
  return true;
}

/**
 * Packet fields that, when non-null, carry a solar-system record (v9: ssSource, MPCORB; v10/v11: ssSource, mpc_orbits; ssObject for other producers).
 *
 * @example
 * SOLAR_SYSTEM_FIELDS.some((f) => alert[f] != null)
 */
export const SOLAR_SYSTEM_FIELDS: readonly string[] = ['ssSource', 'ssObject', 'mpc_orbits', 'MPCORB'];

/**
 * True when a Rubin alert (v9, v10 or v11 shape; a bare alert object) is
 * associated with a solar-system object: a non-null, non-zero
 * `diaSource.ssObjectId`; a non-null `ssSource`, `ssObject`, `mpc_orbits`
 * or `MPCORB` record; or any of `tags` naming a solar-system class.
 *
 * @example
 * hasSolarSystemAssociation(alert) // alert.ssSource !== null, or …
 * hasSolarSystemAssociation(alert, locus.tags)
 */
export function hasSolarSystemAssociation(alert: Record<string, unknown>, tags?: readonly string[]): boolean {
  const ds = alert['diaSource'] as Record<string, unknown> | null | undefined;
  if (ds && isAssociatedId(ds['ssObjectId'])) return true;
  for (const f of SOLAR_SYSTEM_FIELDS) {
    const v = alert[f];
    if (v !== null && v !== undefined) return true;
  }
  return tags !== undefined && tags.some(isSolarSystemTag);
}
