/** Three-valued logic: a statement applies, does not apply, or might apply (undecidable). */
export type Tri = 'yes' | 'no' | 'maybe';

export function triAnd(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
}

export function triOr(a: Tri, b: Tri): Tri {
  if (a === 'yes' || b === 'yes') return 'yes';
  return a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
}

export function triNot(a: Tri): Tri {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe';
}

export const fromBool = (b: boolean): Tri => (b ? 'yes' : 'no');
