/** Orders strings by UTF-16 code units (as `<` does), independent of the locale: for sorts whose output must be the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
