import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';

const manifest = (provider: string) => ({
  schemaVersion: 1,
  collectedAt: '2026-11-20T09:00:00Z',
  providers: {},
  coverage: [{ provider, scope: 's', capability: 'c', status: 'collected' }],
});

function lineOf(value: unknown): string | undefined {
  try {
    validateManifest(value, 'manifest.json');
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.oneLine();
    throw e;
  }
}

describe('coverage records of a manifest', () => {
  it('accept the three providers a report can name', () => {
    for (const p of ['entra', 'okta', 'aws']) expect(lineOf(manifest(p)), p).toBeUndefined();
  });

  it('refuse any other provider, naming the place (the report schema allows only entra, okta and aws)', () => {
    for (const p of ['azure', 'Entra', 'external', '']) {
      expect(lineOf(manifest(p)), p).toBe('manifest.json: $.coverage[0].provider: provider must be entra, okta or aws');
    }
  });

  it('refuse a reason that is not a string (the report schema and every format print it as text)', () => {
    const m = manifest('aws');
    (m.coverage[0] as Record<string, unknown>).reason = { x: ['y'] };
    expect(lineOf(m)).toBe('manifest.json: $.coverage[0].reason: expected a string');
    (m.coverage[0] as Record<string, unknown>).reason = '403 on GenerateCredentialReport';
    expect(lineOf(m)).toBeUndefined();
  });
});
