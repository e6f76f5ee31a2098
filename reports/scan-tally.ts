// What the terminal summary of a scan needs, gathered one target at a time: counts by area, status
// and severity, the most severe failing findings (a bounded few) and what could not be read. A scan
// of a thousand accounts is summarised without ever holding its results together.

import { compareFindings } from '../core/engine.js';
import { AREAS, SEVERITIES, STATUSES, type Area, type CoverageGap, type Finding, type ScanDocument, type ScannedTarget, type ScanRunner, type Severity, type Status, type Thresholds } from '../core/model.js';

export interface AreaCounts {
  failing: Record<Severity, number>;
  status: Record<Status, number>;
}

export interface ScanTally {
  scanId: string;
  startedAt: string;
  finishedAt: string;
  controls: number;
  thresholds: Thresholds;
  /** Where Ward ran. */
  runner?: ScanRunner;
  targets: ScannedTarget[];
  coverage: CoverageGap[];
  byArea: Record<Area, AreaCounts>;
  /** The most severe failing findings, most severe first, at most `keep` of them. */
  worst: Finding[];
}

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export class ScanTallyBuilder {
  private readonly byArea = Object.fromEntries(AREAS.map((a) => [a, { failing: zeroes(SEVERITIES), status: zeroes(STATUSES) }])) as Record<Area, AreaCounts>;
  private worst: Finding[] = [];
  private readonly targets: ScannedTarget[] = [];
  private readonly coverage: CoverageGap[] = [];

  constructor(private readonly keep = 25) {}

  /** Counts one target's (or a whole scan's) results; keeps only the few most severe failures. */
  add(part: { targets: readonly ScannedTarget[]; coverage: readonly CoverageGap[]; results: readonly Finding[] }): void {
    this.targets.push(...part.targets);
    this.coverage.push(...part.coverage);
    for (const f of part.results) {
      const counts = this.byArea[f.area];
      counts.status[f.status] += 1;
      if (f.status !== 'FAIL') continue;
      counts.failing[f.severity] += 1;
      this.worst.push(f);
    }
    if (this.worst.length > this.keep * 4) this.trim();
  }

  tally(frame: Pick<ScanTally, 'scanId' | 'startedAt' | 'finishedAt' | 'controls' | 'thresholds' | 'runner'>): ScanTally {
    this.trim();
    return { ...frame, targets: this.targets, coverage: this.coverage, byArea: this.byArea, worst: this.worst };
  }

  private trim(): void {
    this.worst = this.worst.sort(compareFindings).slice(0, this.keep);
  }
}

export function tallyOf(scan: ScanDocument, keep?: number): ScanTally {
  const builder = new ScanTallyBuilder(keep);
  builder.add(scan);
  return builder.tally({ scanId: scan.scanId, startedAt: scan.startedAt, finishedAt: scan.finishedAt, controls: scan.controls.length, thresholds: scan.thresholds, ...(scan.runner === undefined ? {} : { runner: scan.runner }) });
}

export function totalOf(tally: ScanTally, status: Status): number {
  return AREAS.reduce((n, area) => n + tally.byArea[area].status[status], 0);
}
