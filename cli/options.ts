import { InvalidArgumentError } from 'commander';
import { PROVIDERS, SEVERITIES, type Provider, type Severity } from '../core/model.js';

export function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

export function severityOption(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** `aws`, `gcp`, `azure` or `all` (comma-separated lists allowed); `all` means no filter. */
export function providerOption(value: string): Provider[] | undefined {
  const names = commaList(value);
  if (names.includes('all')) return undefined;
  for (const name of names) {
    if (!(PROVIDERS as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected aws, gcp, azure or all, found "${name}"`);
  }
  return names as Provider[];
}
