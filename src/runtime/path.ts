/** Dotted-path access into plain records, e.g. `alert.diaSource.snr`. */

/** Splits a dotted path once, so hot loops do not re-split it. */
export function compilePath(path: string): (value: unknown) => unknown {
  const parts = path.split('.').filter((p) => p !== '');
  return (value: unknown) => {
    let cur: any = value;
    for (const part of parts) {
      if (cur === null || cur === undefined) return undefined;
      cur = cur[part];
    }
    return cur;
  };
}

/**
 * @example
 * getPath({ a: { b: 2 } }, 'a.b') // 2
 */
export function getPath(value: unknown, path: string): unknown {
  return compilePath(path)(value);
}
