// The controls table and HIPAA matrix for the docs, derived from the controls themselves.

import type { AnyControl } from '../core/control.js';
import { datasetsOf } from '../core/control.js';
import { HIPAA_SAFEGUARDS, type HipaaRef } from '../core/hipaa.js';

export function controlsMarkdown(controls: readonly AnyControl[]): string {
  const lines = ['| Control | Provider | Area | Severity | HIPAA | Reads |', '| --- | --- | --- | --- | --- | --- |'];
  for (const c of controls) {
    const reads = [...new Set(datasetsOf(c).flatMap((d) => d.actions))].join(', ');
    lines.push(`| \`${c.id}\` — ${c.title} | ${c.provider} | ${c.area} | ${c.severity} | ${c.hipaa.join(', ')} | ${reads} |`);
  }
  lines.push('', '| HIPAA safeguard | Controls |', '| --- | --- |');
  for (const [ref, title] of Object.entries(HIPAA_SAFEGUARDS)) {
    const mapped = controls.filter((c) => c.hipaa.includes(ref as HipaaRef)).map((c) => `\`${c.id}\``);
    lines.push(`| ${ref} ${title} | ${mapped.length === 0 ? '—' : mapped.join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
