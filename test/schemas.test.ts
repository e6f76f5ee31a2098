// The published JSON Schemas under schemas/: what editors and other tools read must match what Ward
// writes and accepts.

import { Ajv } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import scanSchema from '../schemas/scan.schema.json' with { type: 'json' };
import configSchema from '../schemas/ward.config.schema.json' with { type: 'json' };
import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig } from '../core/config.js';
import type { World } from '../sandbox/types.js';
import { scanWorld } from './support/sandbox.js';
import { storedScanText } from '../core/store/stored-scan.js';

const ROOT = join(import.meta.dirname, '..');
// Formats are documentation here; the scan document's times are checked by its own tests.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: false });

describe('schemas/scan.schema.json', () => {
  const validate = ajv.compile(scanSchema);
  const world: World = {
    regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required' },
    accounts: [
      {
        id: '111122223333',
        name: 'clinic',
        current: true,
        iam: { root: { password: true, mfa: true } },
        regions: { 'us-east-1': { volumes: [{ encrypted: false, tags: { Name: 'scratch' } }], logGroups: [{ name: '/staging', retentionInDays: 7 }] }, 'eu-west-1': {} },
      },
    ],
    faults: [{ kind: 'access-denied', api: 'rds:*', region: 'eu-west-1' }],
  };
  const config = parseConfig(
    `aws:\n  regions: [us-east-1, eu-west-1]\nmutes:\n  - controls: [aws-log-retention]\n    broad: true\n    reason: Staging holds synthetic data only\n    owner: ops@example.com\n    expires: ${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}\n`,
    'ward.config.yml',
    CONTROL_IDS,
  );

  it('describes a real scan document: every status, evidence, mutes and coverage gaps', async () => {
    const { scan } = await scanWorld(world, config, { providers: ['aws'] });
    expect(new Set(scan.results.map((f) => f.status))).toEqual(new Set(['PASS', 'FAIL', 'ERROR', 'MUTED']));
    expect(scan.coverage.length).toBeGreaterThan(0);
    const document: unknown = JSON.parse(JSON.stringify(scan));
    expect(validate(document) ? '' : ajv.errorsText(validate.errors)).toBe('');
    const broken = { ...scan, results: [{ ...scan.results[0], status: 'WARN' }] };
    expect(validate(broken)).toBe(false);
    const stored: unknown = JSON.parse(storedScanText(scan));
    expect(validate(stored) ? '' : ajv.errorsText(validate.errors)).toBe('');
    const { title: _title, ...untitled } = scan.results[0] ?? { title: '' };
    expect(validate({ ...scan, results: [untitled] })).toBe(false);
    expect(validate({ ...(stored as object), catalog: undefined })).toBe(false);
  });
});

describe('schemas/ward.config.schema.json', () => {
  it('is the schema Ward validates with, and the example file names it for editors', () => {
    const example = join(ROOT, 'ward.config.example.yml');
    const text = readFileSync(example, 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(modeline).not.toBeNull();
    expect(existsSync(join(dirname(example), modeline?.[1] ?? ''))).toBe(true);
    const validate = ajv.compile(configSchema);
    expect(validate(parse(text))).toBe(true);
    expect(validate({ aws: { regions: ['mars-1'] } })).toBe(false);
    expect(() => parseConfig('aws:\n  regions: [mars-1]\n', 'ward.config.yml', CONTROL_IDS)).toThrow(/aws\.regions\[0\]/);
  });
});
