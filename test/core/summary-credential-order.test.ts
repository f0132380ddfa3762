import { describe, expect, it } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';

type Json = Record<string, any>;
const APP = 'Helpdesk AI Assistant';

/** The demo with the app's secrets replaced by `secrets`, in that order. */
function withSecrets(secrets: Json[]) {
  const s = demoSnapshot();
  const apps = (s.files['entra/applications.json'] as Json).value as Json[];
  apps.find((a) => a.displayName === APP)!.passwordCredentials = secrets;
  return scan(s);
}

const secret = (keyId: string, end: string): Json => ({ customKeyIdentifier: null, displayName: 'deploy', endDateTime: end, hint: 'abc', keyId, secretText: null, startDateTime: '2026-06-01T00:00:00Z' });

describe('an identity summary lists its credentials in an order of their own', () => {
  it('two secrets of one name come out alike whatever order the provider listed them in', () => {
    const a = secret('11111111-1111-4111-8111-111111111111', '2027-01-01T00:00:00Z');
    const b = secret('22222222-2222-4222-8222-222222222222', '2027-06-01T00:00:00Z');
    const credsOf = (r: ReturnType<typeof scan>) => r.report.identities.filter((i) => i.name === APP && i.type === 'entra-service-principal').map((i) => i.credentials.filter((c) => c.name === 'deploy'));
    const forward = credsOf(withSecrets([a, b]));
    const backward = credsOf(withSecrets([b, a]));
    expect(forward.length).toBe(1);
    expect(forward[0].map((c) => c.expiresAt)).toHaveLength(2);
    expect(backward).toEqual(forward);
  });
});
