// Every control's metadata is complete and consistent, so the derived registry, docs, IAM policy
// and HIPAA matrix can be trusted. A new control that forgets something fails here.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from './index.js';
import { CONTROL_FILE_IDS } from './registry.generated.js';
import { AREAS, PROVIDERS, SEVERITIES } from '../core/model.js';
import { HIPAA_SAFEGUARDS } from '../core/hipaa.js';
import { datasetsOf } from '../core/control.js';

describe('control registry', () => {
  it('holds one control per file under checks/<provider>/, with the file name as its id', () => {
    const onDisk = PROVIDERS.flatMap((provider) => {
      let files: string[] = [];
      try {
        files = readdirSync(join(import.meta.dirname, provider));
      } catch {
        return [];
      }
      return files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `${provider}-${f.slice(0, -3)}`);
    });
    expect([...CONTROL_FILE_IDS].sort()).toEqual(onDisk.sort());
    expect(ALL_CONTROLS.map((c) => c.id)).toEqual(CONTROL_FILE_IDS);
  });

  it('has a test file beside every control', () => {
    for (const id of CONTROL_FILE_IDS) {
      const [provider, ...rest] = id.split('-');
      const files = readdirSync(join(import.meta.dirname, provider ?? ''));
      expect(files, `checks/${provider}/${rest.join('-')}.test.ts`).toContain(`${rest.join('-')}.test.ts`);
    }
  });

  it.each(ALL_CONTROLS.map((c) => [c.id, c] as const))('%s has complete metadata', (_id, control) => {
    expect(AREAS).toContain(control.area);
    expect(SEVERITIES).toContain(control.severity);
    expect(control.title.length).toBeGreaterThan(10);
    expect(control.title.length).toBeLessThanOrEqual(80);
    expect(control.description.length).toBeGreaterThan(40);
    expect(control.remediation.text.length).toBeGreaterThan(40);
    expect(control.remediation.url).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//);
    expect(control.hipaa.length).toBeGreaterThan(0);
    for (const ref of control.hipaa) expect(Object.keys(HIPAA_SAFEGUARDS)).toContain(ref);
    expect(Object.keys(control.reads).length).toBeGreaterThan(0);
    for (const dataset of datasetsOf(control)) {
      expect(dataset.provider).toBe(control.provider);
      expect(dataset.actions.length).toBeGreaterThan(0);
      // An account-wide control cannot read per-region data: it would be judged once, for one region.
      if (control.scope === 'account') expect(dataset.scope).toBe('account');
    }
  });

  it('has unique ids', () => {
    const ids = ALL_CONTROLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Every result carries its control's title and remediation. One non-ASCII character in them sends
  // V8's JSON.stringify down its two-byte path for the rest of the call: at 60,000 results that cost
  // ~0.4 s of CPU in `ward scan -o json` and each account state write (bench/README.md, issue 13).
  it('writes titles, descriptions and remediation in ASCII (> for menu paths, - for ranges, ... for an ellipsis)', () => {
    const nonAscii = ALL_CONTROLS.flatMap((c) =>
      Object.entries({ title: c.title, description: c.description, remediation: c.remediation.text })
        .filter(([, text]) => /[^\x20-\x7e]/.test(text))
        .map(([field, text]) => `${c.id}.${field}: ${JSON.stringify(/[^\x20-\x7e]/.exec(text)?.[0])}`),
    );
    expect(nonAscii).toEqual([]);
  });
});
