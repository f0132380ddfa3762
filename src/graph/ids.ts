/**
 * Stable node ids, built only from immutable provider ids (object ids, ARNs, app ids, Okta ids),
 * never from display names, so that fingerprints survive renames.
 */
export function nodeId(provider: string, scope: string, type: string, nativeId: string): string {
  return `${provider}:${provider === 'okta' ? oktaOrigin(scope) : scope}:${type}:${nativeId}`;
}

/**
 * An Okta org URL as its origin, as the URL standard writes it: scheme and host lower-case (DNS
 * and URL schemes ignore case), no default port, no trailing slash, so `https://Acme.okta.com/`,
 * `HTTPS://acme.okta.com:443` and `https://acme.okta.com` are one org, with the same ids and
 * fingerprints. A value that is not an http(s) URL keeps the old rule (lower-cased up to the
 * path); a path after the origin, which an org URL should not have, is kept as written.
 */
export function oktaOrigin(org: string): string {
  // Every Okta id of a scan names the same org: the last answer is kept (a URL parse per id otherwise).
  if (org === lastOrg) return lastOrigin;
  const trimmed = org.replace(/\/+$/, '');
  const head = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(trimmed);
  let origin = trimmed;
  if (head) {
    let parsed: string | undefined;
    try {
      const u = new URL(head[0]);
      // User info is not part of an origin; one that holds it is left as the old rule had it.
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '') parsed = u.origin;
    } catch {
      parsed = undefined;
    }
    origin = (parsed ?? head[0].toLowerCase()) + trimmed.slice(head[0].length);
  }
  lastOrg = org;
  lastOrigin = origin;
  return origin;
}

let lastOrg: string | undefined;
let lastOrigin = '';

export const ids = {
  entraSp: (tenant: string, objectId: string) => nodeId('entra', tenant, 'sp', objectId),
  entraApp: (tenant: string, objectId: string) => nodeId('entra', tenant, 'app', objectId),
  entraUser: (tenant: string, objectId: string) => nodeId('entra', tenant, 'user', objectId),
  entraGroup: (tenant: string, objectId: string) => nodeId('entra', tenant, 'group', objectId),
  entraCredential: (tenant: string, keyId: string) => nodeId('entra', tenant, 'cred', keyId),
  entraAppRole: (tenant: string, resourceAppId: string, roleId: string) =>
    nodeId('entra', tenant, 'approle', `${resourceAppId}/${roleId}`),
  entraScope: (tenant: string, resourceAppId: string, scope: string) =>
    nodeId('entra', tenant, 'scope', `${resourceAppId}/${scope}`),
  entraDirectoryRole: (tenant: string, templateId: string) => nodeId('entra', tenant, 'dirrole', templateId),
  oktaApp: (org: string, appId: string) => nodeId('okta', org, 'app', appId),
  oktaToken: (org: string, tokenId: string) => nodeId('okta', org, 'token', tokenId),
  oktaUser: (org: string, userId: string) => nodeId('okta', org, 'user', userId),
  oktaGroup: (org: string, groupId: string) => nodeId('okta', org, 'group', groupId),
  oktaCredential: (org: string, credId: string) => nodeId('okta', org, 'cred', credId),
  oktaRole: (org: string, roleType: string) => nodeId('okta', org, 'role', roleType),
  oktaScope: (org: string, scope: string) => nodeId('okta', org, 'scope', scope),
  /** What an Okta scope's holders do through a user they control (the Okta transform's userRoute). */
  oktaScopeUser: (org: string, scope: string) => nodeId('okta', org, 'scope-user', scope),
  awsPrincipal: (account: string, arn: string) => nodeId('aws', account, 'principal', arn),
  awsCredential: (account: string, keyId: string) => nodeId('aws', account, 'cred', keyId),
  awsGroup: (account: string, arn: string) => nodeId('aws', account, 'group', arn),
  /** A crown jewel of a scope, e.g. account administration. */
  crownJewel: (provider: string, scope: string, cls: string) => nodeId(provider, scope, 'crown', cls),
  external: (kind: string, key: string) => nodeId('external', kind, 'ext', key),
};
