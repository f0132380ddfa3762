import { describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { RAW_TENANT, gid, rawGraph, rawGraphSp, rawSp, rawVerdict, spNodeId } from '../helpers/entra-raw.js';
import spLevel from '../../rules/entra/entra-sp-level-credential.js';
import longLived from '../../rules/entra/entra-secret-long-lived.js';
import onPrivileged from '../../rules/entra/entra-secret-on-privileged-app.js';

const cred = (keyId: string) => ids.entraCredential(RAW_TENANT, keyId);
const THUMB = '8F3A1B2C3D4E5F60718293A4B5C6D7E8F9012345';

// servicePrincipal: addTokenSigningCertificate (Graph v1.0) stores a signing certificate as a
// Sign key, a Verify key and a passwordCredential, all with one customKeyIdentifier; the password
// unlocks the private key (PFX) and carries the keyId of the Sign key. Entra generates and keeps
// it: it is part of the signing certificate, not a secret the app signs in with.
describe('the password of a token-signing certificate', () => {
  const sign = gid();
  const verify = gid();
  const other = gid();
  const signingCert = (o: { password?: Record<string, unknown> } = {}) => ({
    keyCredentials: [
      { keyId: sign, usage: 'Sign', type: 'AsymmetricX509Cert', customKeyIdentifier: THUMB, displayName: 'CN=Microsoft Azure Federated SSO Certificate', startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2029-06-01T00:00:00Z' },
      { keyId: verify, usage: 'Verify', type: 'AsymmetricX509Cert', customKeyIdentifier: THUMB, displayName: 'CN=Microsoft Azure Federated SSO Certificate', startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2029-06-01T00:00:00Z' },
    ],
    passwordCredentials: [{ keyId: sign, customKeyIdentifier: THUMB, startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2029-06-01T00:00:00Z', ...o.password }],
  });

  it('is no client secret on a SAML SSO service principal: no credential, counted with the signing keys', () => {
    const sp = rawSp('Contoso Expenses (SAML SSO)', { preferredSingleSignOnMode: 'saml', ...signingCert() });
    const g = rawGraph({ 'servicePrincipals.json': [sp] });
    expect(g.node(cred(sign))).toBeUndefined();
    expect(g.out(spNodeId(sp), 'HAS_CREDENTIAL')).toHaveLength(0);
    expect(g.node(spNodeId(sp))!.attrs.servicePrincipalSigningKeysSkipped).toBe(3);
    expect(rawVerdict(spLevel, g, spNodeId(sp)).verdict).toBe('pass');
    expect(rawVerdict(longLived, g, spNodeId(sp)).verdict).toBe('pass');
  });

  it('is no client secret on a service principal without SAML SSO either (the Sign key is what ties it)', () => {
    const sp = rawSp('Custom signing key', signingCert());
    const g = rawGraph({ 'servicePrincipals.json': [sp] });
    expect(g.node(cred(sign))).toBeUndefined();
    // Unchanged: outside SAML SSO the Verify half stays a certificate.
    expect(g.node(cred(verify))).toMatchObject({ credentialType: 'certificate' });
  });

  it('near miss: an ordinary password next to the signing certificate is still a client secret', () => {
    const sp = rawSp('SAML app with a backdoor', { preferredSingleSignOnMode: 'saml', ...signingCert() });
    (sp.passwordCredentials as unknown[]).push({ keyId: other, customKeyIdentifier: THUMB, startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2027-06-01T00:00:00Z' });
    const g = rawGraph({ 'servicePrincipals.json': [sp] });
    expect(g.node(cred(sign))).toBeUndefined();
    expect(g.node(cred(other))).toMatchObject({ credentialType: 'client-secret', attrs: { location: 'servicePrincipal' } });
    expect(g.node(spNodeId(sp))!.attrs.servicePrincipalSigningKeysSkipped).toBe(3);
    const v = rawVerdict(spLevel, g, spNodeId(sp));
    expect(v.verdict).toBe('fail');
    expect(v.messages).toHaveLength(1);
    expect(v.messages[0]).toContain(other);
  });

  // Anyone who may update the service principal can PATCH in a Sign key with any keyId; the
  // password of addPassword carries no customKeyIdentifier ("Do not use", passwordCredential v1.0).
  // Only keyId AND customKeyIdentifier together tie a password to its signing certificate.
  it('near miss: a Sign key copying the keyId of an ordinary secret does not hide it', () => {
    const secret = gid();
    const sp = rawSp('Backdoored app', {
      keyCredentials: [{ keyId: secret, usage: 'Sign', type: 'AsymmetricX509Cert', customKeyIdentifier: 'DEADBEEF', displayName: 'CN=dummy', startDateTime: '2026-11-01T00:00:00Z', endDateTime: '2028-11-01T00:00:00Z' }],
      passwordCredentials: [{ keyId: secret, customKeyIdentifier: null, displayName: 'backdoor', hint: 'xyz', startDateTime: '2026-11-01T00:00:00Z', endDateTime: '2028-11-01T00:00:00Z' }],
    });
    const g = rawGraph({ 'servicePrincipals.json': [sp] });
    expect(g.node(cred(secret))).toMatchObject({ credentialType: 'client-secret', attrs: { location: 'servicePrincipal' } });
    expect(g.node(spNodeId(sp))!.attrs.servicePrincipalSigningKeysSkipped).toBe(1);
    expect(rawVerdict(spLevel, g, spNodeId(sp)).verdict).toBe('fail');
  });

  it('near miss: same keyId but another (or no) customKeyIdentifier on the password is still a client secret', () => {
    for (const password of [{ customKeyIdentifier: 'AAAA' }, { customKeyIdentifier: undefined }, { customKeyIdentifier: '' }]) {
      const sp = rawSp('SAML app, odd password', { preferredSingleSignOnMode: 'saml', ...signingCert({ password }) });
      const g = rawGraph({ 'servicePrincipals.json': [sp] });
      expect(g.node(cred(sign))).toMatchObject({ credentialType: 'client-secret' });
    }
  });

  it('near miss: a password sharing its keyId with a Verify key only is still a client secret', () => {
    const sp = rawSp('Odd pair', { keyCredentials: [{ keyId: verify, usage: 'Verify', type: 'AsymmetricX509Cert', customKeyIdentifier: THUMB, endDateTime: '2027-06-01T00:00:00Z' }] });
    sp.passwordCredentials = [{ keyId: verify, startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2027-06-01T00:00:00Z' }];
    const g = rawGraph({ 'servicePrincipals.json': [sp] });
    // One key id twice: the first one (the password) is kept, as before.
    expect(g.node(cred(verify))).toMatchObject({ credentialType: 'client-secret' });
  });
});

// keyCredential.type (Graph v1.0): e.g. Symmetric or AsymmetricX509Cert. A Symmetric key is the
// same secret bytes on both sides: a shared secret, not a certificate.
describe('a Symmetric key credential', () => {
  const sym = gid();
  const asym = gid();
  const pfx = gid();
  const sp = rawSp('Legacy Provisioning Sync');
  const app = {
    id: gid(),
    appId: sp.appId,
    displayName: 'Legacy Provisioning Sync',
    keyCredentials: [
      { keyId: sym, usage: 'Verify', type: 'Symmetric', displayName: 'legacy-sync-key', startDateTime: '2025-01-15T10:00:00Z', endDateTime: '2027-01-15T10:00:00Z' },
      { keyId: asym, usage: 'Verify', type: 'AsymmetricX509Cert', startDateTime: '2026-01-15T10:00:00Z', endDateTime: '2026-12-15T10:00:00Z' },
      { keyId: pfx, usage: 'Verify', type: 'X509CertAndPassword', startDateTime: '2026-01-15T10:00:00Z', endDateTime: '2026-12-15T10:00:00Z' },
    ],
  };
  const ROLE_MANAGEMENT = '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8';
  const graphSp = rawGraphSp({ 'RoleManagement.ReadWrite.Directory': ROLE_MANAGEMENT });
  const g = rawGraph({
    'servicePrincipals.json': [graphSp, sp],
    'applications.json': [app],
    'appRoleAssignments.json': [{ id: gid(), principalId: sp.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: ROLE_MANAGEMENT }],
  });

  it('is a shared client secret, named as a symmetric key', () => {
    expect(g.node(cred(sym))).toMatchObject({ type: 'entra-symmetric-key', credentialType: 'client-secret', name: 'legacy-sync-key', attrs: { keyType: 'Symmetric' } });
    expect(g.out(spNodeId(sp), 'HAS_CREDENTIAL').find((e) => e.to === cred(sym))!.reason).toContain('symmetric key "legacy-sync-key"');
  });

  it('near miss: AsymmetricX509Cert and X509CertAndPassword keys stay certificates', () => {
    expect(g.node(cred(asym))).toMatchObject({ type: 'entra-certificate', credentialType: 'certificate' });
    expect(g.node(cred(pfx))).toMatchObject({ type: 'entra-certificate', credentialType: 'certificate' });
  });

  it('makes the identity a shared-secret one', () => {
    const a = analyze(g, { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG });
    expect(a.strength(spNodeId(sp)).class).toBe('shared-secret');
  });

  it('falls under the client-secret window and the privileged-app rule, named as a symmetric key', () => {
    const ll = rawVerdict(longLived, g, spNodeId(sp));
    expect(ll.verdict).toBe('fail');
    expect(ll.messages).toContain('symmetric key "legacy-sync-key" on Legacy Provisioning Sync is valid for 730 days (until 2027-01-15); the limit is 180 days.');
    const priv = rawVerdict(onPrivileged, g, spNodeId(sp));
    expect(priv.verdict).toBe('fail');
    expect(priv.messages.join('\n')).toContain('symmetric key "legacy-sync-key"');
  });
});
