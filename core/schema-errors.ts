// Turns JSON Schema (ajv) errors into what a person can act on: the path inside the file, what was
// expected (the schema's own description where it has one) and what was found. Used for
// ward.config.yml and for sandbox world files alike.

import type { ErrorObject } from 'ajv';

export type PathSegment = string | number;

export interface SchemaProblem {
  path: PathSegment[];
  text: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out === '' ? '(top level)' : out;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** One ajv error explained; ajv must run with `verbose: true` so schemas and descriptions are at hand. */
export function explainSchemaError(error: ErrorObject, root: unknown): SchemaProblem {
  const path = pointerToPath(error.instancePath);
  const value = valueAt(root, path);
  const found = describeValue(value);
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {}).filter((k) => k !== '$schema');
      return { path: [...path, key], text: `unknown field "${key}"; expected one of: ${allowed.join(', ')}` };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return { path: [...path, key], text: `missing required field "${key}"` };
    }
    case 'propertyNames': {
      const name = (error.params as { propertyName: string }).propertyName;
      const names = (error.schema as { description?: string } | undefined)?.description ?? 'a valid name';
      return { path: [...path, name], text: `expected ${names}, found "${name}"` };
    }
    case 'anyOf': {
      const branches = (error.schema as Array<{ required?: string[] }>).flatMap((b) => b.required ?? []);
      return { path, text: `expected at least one of ${branches.join(', ')} to say what it applies to, found none` };
    }
    case 'type': {
      const type = (error.params as { type: string | string[] }).type;
      const expected = description ?? (Array.isArray(type) ? type.join(' or ') : type);
      const hint = typeof value === 'number' && /^\d{12}$/.test(String(value)) ? ' (quote account ids in YAML)' : '';
      return { path, text: `expected ${expected}, found ${found}${hint}` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
      return { path, text: `expected ${description === undefined ? '' : `${description}: `}one of ${allowed}, found ${found}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum': {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return { path, text: `expected ${description ?? 'a number'} ${comparison} ${limit}, found ${found}` };
    }
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems': {
      const { limit } = error.params as { limit: number };
      const what = error.keyword.endsWith('Items') ? 'item(s)' : 'character(s)';
      return { path, text: `expected ${error.keyword.startsWith('max') ? 'at most' : 'at least'} ${limit} ${what}, found ${found}` };
    }
    default:
      return { path, text: `expected ${description ?? error.message ?? 'a valid value'}, found ${found}` };
  }
}

/** Every error once: the branches of an anyOf and the inner failures of propertyNames are dropped. */
export function explainSchemaErrors(errors: readonly ErrorObject[], root: unknown): SchemaProblem[] {
  return errors
    .filter((e) => !e.schemaPath.includes('/anyOf/') && (e as ErrorObject & { propertyName?: string }).propertyName === undefined)
    .map((e) => explainSchemaError(e, root));
}
