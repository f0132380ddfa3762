import type { Rng } from './prng.js';

const TEAMS = [
  'payments', 'billing', 'hr', 'crm', 'data', 'platform', 'search', 'ml', 'ops', 'security', 'identity', 'mobile',
  'web', 'reporting', 'logistics', 'inventory', 'support', 'marketing', 'finance', 'analytics', 'erp', 'warehouse',
  'catalog', 'checkout', 'fraud', 'risk', 'audit', 'compliance', 'devex', 'infra',
];
const FUNCTIONS = [
  'sync', 'export', 'ingest', 'api', 'worker', 'scheduler', 'bot', 'connector', 'pipeline', 'deployer', 'backup',
  'monitor', 'etl', 'gateway', 'importer', 'notifier', 'indexer', 'reconciler', 'provisioner', 'collector',
];
const ENVS = ['prod', 'prod', 'prod', 'staging', 'dev', 'qa'];
const FIRST = [
  'Alice', 'Ben', 'Chen', 'Dana', 'Elif', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lena', 'Marco', 'Nadia',
  'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Uma', 'Viktor', 'Wei', 'Ximena', 'Yusuf', 'Zoe',
];
const LAST = [
  'Chen', 'Ortiz', 'Nair', 'Rossi', 'Kim', 'Schmidt', 'Okafor', 'Silva', 'Novak', 'Tanaka', 'Haddad', 'Larsen',
  'Murphy', 'Kowalski', 'Ahmed', 'Dubois', 'Moreau', 'Ivanova', 'Costa', 'Berg', 'Patel', 'Yilmaz', 'Jensen', 'Lopez',
];

/** Names that look like a real estate's: team-function-env, made unique by a running number. */
export class Names {
  private readonly used = new Map<string, number>();
  constructor(private readonly rng: Rng) {}

  private unique(base: string): string {
    const n = (this.used.get(base) ?? 0) + 1;
    this.used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  }

  workload(): { team: string; name: string; env: string } {
    const team = this.rng.pick(TEAMS);
    const env = this.rng.pick(ENVS);
    return { team, env, name: this.unique(`${team}-${this.rng.pick(FUNCTIONS)}-${env}`) };
  }

  person(): { first: string; last: string; login: string } {
    const first = this.rng.pick(FIRST);
    const last = this.rng.pick(LAST);
    return { first, last, login: this.unique(`${first}.${last}`.toLowerCase()) };
  }

  service(prefix: string): string {
    return this.unique(`${prefix}${this.rng.pick(TEAMS)}-${this.rng.pick(FUNCTIONS)}`);
  }

  team(): string {
    return this.rng.pick(TEAMS);
  }
}

/** Title-cased display name from a kebab-case workload name. */
export function displayName(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => (/^\d+$/.test(w) ? w : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}
