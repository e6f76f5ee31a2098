import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildSampleStore } from './fixtures.js';
import { buildWeeklyEvidence } from './weekly.js';
import { verifyBundle } from './verify.js';

// About 5,000 findings in the week: the size at which the bundle's zip stream once stalled.
it('bundles a week of about 5,000 findings to the end, and the bundle verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-bundle-size-'));
  try {
    const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 40, resourcesPerControl: 14, weeks: 2, failRate: 0.6, recordSummaries: 'history' });
    const evidence = await buildWeeklyEvidence(store, { organization: 'Clinic', mutes: [], now: new Date('2026-11-22T23:00:00Z') });
    expect(evidence.findings).toBeGreaterThan(4_500);
    const result = await verifyBundle(join(dir, evidence.keys.bundle), {});
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
