import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The Okta SDK merges ~/.okta/okta.yaml, ./okta.yaml, OKTA_CLIENT_* and proxy variables into its
 * configuration; tests run from an empty HOME and working folder so only what they pass counts.
 */
export function oktaSandbox(): { restore(): void } {
  const saved: Record<string, string | undefined> = {};
  const cwd = process.cwd();
  for (const k of Object.keys(process.env)) {
    if (/^OKTA_/.test(k) || /^(https?|all|no)_proxy$/i.test(k)) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-okta-hardening-'));
  saved.HOME = process.env.HOME;
  process.env.HOME = dir;
  process.chdir(dir);
  return {
    restore() {
      process.chdir(cwd);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
