// Summarises a V8 CPU profile (`npm run bench -- --profile` writes them under $TMPDIR/ward-bench-profiles/<scenario>/):
// self time by function and by package or Ward folder, and inclusive time of Ward's own functions.
//
//   node dist/bench/profile.js /tmp/ward-bench-profiles/a/CPU.….cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: Array<{ name: string; ms: number }>;
  byModule: Array<{ name: string; ms: number }>;
  /** Inclusive time of Ward's functions (everything they call counted). */
  wardInclusive: Array<{ name: string; ms: number }>;
}

/** `@aws-sdk/client-ec2`, `fast-xml-parser`, `ward:core`, `node:internal`, … */
export function moduleOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? 'node:internal' : url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1] !== undefined) return inModules[1];
  const ward = /\/dist\/([^/]+)\//.exec(url);
  if (ward?.[1] !== undefined) return `ward:${ward[1]}`;
  return url;
}

function top(map: Map<string, number>, n: number): Array<{ name: string; ms: number }> {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000) }));
}

export function summarise(profile: CpuProfile, n = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const wardInclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    total += us;
    const file = frame.url.split('/').pop() ?? '';
    byFunction.set(`${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)} ${file}:${frame.lineNumber + 1}`, (byFunction.get(`${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)} ${file}:${frame.lineNumber + 1}`) ?? 0) + us);
    byModule.set(moduleOf(frame.url), (byModule.get(moduleOf(frame.url)) ?? 0) + us);
    // Every Ward frame on the stack gets the sample once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f === undefined || !moduleOf(f.url).startsWith('ward:')) continue;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/dist/')[1] ?? f.url}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      wardInclusive.set(key, (wardInclusive.get(key) ?? 0) + us);
    }
  }
  return { totalMs: Math.round(total / 1000), byFunction: top(byFunction, n), byModule: top(byModule, n), wardInclusive: top(wardInclusive, n) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, flag, count] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node dist/bench/profile.js <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, flag === '--top' ? Number(count) : 25);
  console.log(`busy ${summary.totalMs} ms`);
  console.log('\nself time by package / Ward folder:');
  for (const m of summary.byModule) console.log(`  ${String(m.ms).padStart(7)} ms  ${m.name}`);
  console.log('\nself time by function:');
  for (const f of summary.byFunction) console.log(`  ${String(f.ms).padStart(7)} ms  ${f.name}`);
  console.log('\ninclusive time of Ward functions:');
  for (const f of summary.wardInclusive) console.log(`  ${String(f.ms).padStart(7)} ms  ${f.name}`);
}
