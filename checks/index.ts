// The registry, as derived from the files under checks/ (see scripts/generate-registry.mjs).

import type { AnyControl } from '../core/control.js';
import type { Provider } from '../core/model.js';
import { ALL_CONTROLS } from './registry.generated.js';

export { ALL_CONTROLS };

export const CONTROL_IDS: readonly string[] = ALL_CONTROLS.map((c) => c.id);

export function selectControls(options: { disabled?: readonly string[]; providers?: readonly Provider[] } = {}): AnyControl[] {
  const disabled = new Set(options.disabled ?? []);
  return ALL_CONTROLS.filter((c) => !disabled.has(c.id) && (options.providers === undefined || options.providers.includes(c.provider)));
}
