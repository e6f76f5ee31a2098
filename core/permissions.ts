// Every provider's least privilege is the union of what its enabled controls declare they read.

import type { AnyControl } from './control.js';
import { datasetsOf } from './control.js';
import type { Provider } from './model.js';

export function declaredActions(controls: readonly AnyControl[], provider: Provider, base: readonly string[] = []): string[] {
  const actions = new Set<string>(base);
  for (const control of controls) {
    if (control.provider !== provider) continue;
    for (const dataset of datasetsOf(control)) for (const action of dataset.actions) actions.add(action);
  }
  return [...actions].sort();
}
