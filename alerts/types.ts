// What an alert says about one finding. The lifecycle decides which findings are alerted; the
// channels (Slack) only present and deliver.

import type { Finding } from '../core/model.js';

export type AlertKind = 'new' | 'reopened' | 'unmuted' | 'resolved';

export interface AlertItem {
  kind: AlertKind;
  /** The finding as last observed (for `resolved`: as it was when it last failed). */
  finding: Finding;
  firstSeen: string;
}

export interface AlertBatch {
  /** The scans whose changes this message carries (one, or more when earlier deliveries failed). */
  scanIds: string[];
  items: AlertItem[];
  /** Where the full report is, when one exists (a path or a pre-signed URL). */
  reportLink?: string;
  /** Targets (`provider:account`) of the run that never reported: the message names them. */
  missingTargets?: string[];
  /** Account id → name, shown next to ids. */
  accountNames?: Readonly<Record<string, string>>;
}
