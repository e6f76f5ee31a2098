import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig } from './config.js';

it('ships an example configuration that validates', () => {
  const file = join(import.meta.dirname, '..', 'ward.config.example.yml');
  const config = parseConfig(readFileSync(file, 'utf8'), file, CONTROL_IDS);
  expect(config.thresholds.minLogRetentionDays).toBe(2190);
  expect(config.aws.includeCurrentAccount).toBe(true);
});
