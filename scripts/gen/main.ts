import { parseArgs } from 'node:util';
import { writeSnapshot } from './generate.js';

/** `npm run gen -- --identities N --seed S --out DIR [--collected-at ISO] [--managed-policies FILE]` */
function main(): number {
  const { values } = parseArgs({
    options: {
      identities: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      'collected-at': { type: 'string' },
      'managed-policies': { type: 'string' },
    },
    strict: true,
  });
  const n = Number(values.identities);
  if (!values.out) {
    process.stderr.write('usage: npm run gen -- --identities N --seed S --out DIR\n');
    return 2;
  }
  if (!Number.isInteger(n) || n < 50) {
    process.stderr.write('--identities must be an integer of at least 50\n');
    return 2;
  }
  const summary = writeSnapshot(values.out, {
    identities: n,
    seed: values.seed!,
    collectedAt: values['collected-at'],
    managedPoliciesFile: values['managed-policies'],
  });
  const counts = Object.entries(summary.counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`wrote ${summary.files} files (${(summary.bytes / 1e6).toFixed(1)} MB) to ${values.out}; AWS managed policies: ${summary.managedPolicies}\n${counts}\n`);
  return 0;
}

process.exitCode = main();
