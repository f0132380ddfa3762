/** `a`, `a and b`, `a, b and c` (and '' for none): how a message lists names or parts. */
export function andList(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
