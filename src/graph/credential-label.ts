/**
 * How a report names a credential: its kind in words, then its name. Provider-derived names often
 * say the kind already ("client secret ocs2…", "billing-export access key 1", "password of
 * svc.zapier…"); those are shown as they are, so no line reads "client-secret client secret".
 */

/** The kind of each credential type in words, and the words a name may already use for it. */
const KINDS: Record<string, { words: string; said: readonly string[] }> = {
  'client-secret': { words: 'client secret', said: ['client secret', 'secret'] },
  certificate: { words: 'certificate', said: ['certificate'] },
  'access-key': { words: 'access key', said: ['access key'] },
  'api-token': { words: 'API token', said: ['token'] },
  password: { words: 'password', said: ['password'] },
  'private-key-jwt': { words: 'private key JWT', said: ['public key', 'private key'] },
  'federated-oidc': { words: 'OIDC federation', said: [] },
  'federated-saml': { words: 'SAML federation', said: [] },
  'x509-trust-anchor': { words: 'X.509 trust anchor', said: ['trust anchor'] },
  managed: { words: 'managed identity', said: ['managed identity'] },
};

/** Whether `text` holds `phrase` as whole words (case-insensitive): "passwordless" does not say "password". */
function says(text: string, phrase: string): boolean {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(phrase); at >= 0; at = lower.indexOf(phrase, at + 1)) {
    const before = at === 0 ? '' : lower[at - 1];
    const after = lower[at + phrase.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}

/** `client secret teams-bot-prod`, `API token zapier-prod`; the name alone when it already says its kind. */
export function credentialLabel(type: string | undefined, name: string): string {
  if (type === undefined || type === '') return `credential ${name}`;
  const kind = KINDS[type];
  if (kind === undefined) return `${type.replace(/-/g, ' ')} ${name}`;
  return kind.said.some((p) => says(name, p)) ? name : `${kind.words} ${name}`;
}
