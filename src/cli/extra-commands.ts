import type { Command } from 'commander';

/** Commands added by later capabilities (collect, certify, baseline, export, doctor). */
export function registerExtra(_program: Command): void {}
