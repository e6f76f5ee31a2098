// Compiles one OCSF event class from the OCSF schema sources (github.com/ocsf/ocsf-schema, a release
// tag checked out in a directory) into a standalone JSON Schema (draft 2020-12) that ajv can validate
// Ward's `--output ocsf` against. The result is vendored under schemas/ocsf/<version>/, so tests run
// offline; rerun this only to move to another OCSF release:
//
//   node scripts/ocsf-json-schema.mjs <ocsf-schema dir> compliance_finding cloud > schemas/ocsf/<v>/compliance_finding.schema.json
//
// Rules (as the OCSF server's JSON Schema export applies them): a class or object inherits its
// `extends` chain; `$include`d profile attributes are part of it, required only when that profile is
// selected; attributes take their type from the dictionary (an `_t` scalar or an object name) unless
// the class or object overrides it; integer enums become `enum`; `at_least_one` / `just_one`
// constraints become anyOf / oneOf; unknown attributes are rejected, except in the free-form `object`.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [root, className, ...profileNames] = process.argv.slice(2);
if (root === undefined || className === undefined) {
  process.stderr.write('usage: node scripts/ocsf-json-schema.mjs <ocsf-schema dir> <class name> [profile ...]\n');
  process.exit(2);
}
const profiles = new Set(profileNames);
const read = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const version = read('version.json').version;
const dictionary = read('dictionary.json');
const categories = read('categories.json').attributes;

function indexDir(dir) {
  const byName = new Map();
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1);
    const def = read(path);
    if (typeof def.name === 'string') byName.set(def.name, { ...def, path });
  }
  return byName;
}
const objects = indexDir('objects');
const events = indexDir('events');

/** The attributes of a definition, its extends chain and includes merged; later definitions win. */
function flatten(def, lookup) {
  const chain = [];
  for (let d = def; d !== undefined; d = d.extends === undefined ? undefined : lookup.get(d.extends)) chain.unshift(d);
  const attributes = {};
  let constraints;
  for (const d of chain) {
    const own = { ...(d.attributes ?? {}) };
    for (const include of own.$include ?? []) {
      const included = read(include);
      const profile = included.meta === 'profile' ? included.name : undefined;
      for (const [name, attr] of Object.entries(included.attributes ?? {})) {
        attributes[name] = { ...attributes[name], ...attr, ...(profile === undefined ? {} : { profile }) };
      }
    }
    delete own.$include;
    for (const [name, attr] of Object.entries(own)) {
      const merged = { ...attributes[name], ...attr };
      // An enum extends the one it overrides (0 Unknown and 99 Other come from the base).
      if (attributes[name]?.enum !== undefined && attr.enum !== undefined) merged.enum = { ...attributes[name].enum, ...attr.enum };
      attributes[name] = merged;
    }
    if (d.constraints !== undefined) constraints = d.constraints;
  }
  return { attributes, constraints };
}

function scalar(typeName) {
  const types = dictionary.types.attributes;
  const schema = {};
  for (let t = typeName; t !== undefined; t = types[t]?.type) {
    const def = types[t] ?? {};
    if (def.regex !== undefined && schema.pattern === undefined) schema.pattern = def.regex;
    if (def.max_len !== undefined && schema.maxLength === undefined) schema.maxLength = def.max_len;
    if (def.range !== undefined && schema.minimum === undefined) [schema.minimum, schema.maximum] = def.range;
    switch (t) {
      case 'string_t':
        return { type: 'string', ...schema };
      case 'integer_t':
      case 'long_t':
        return { type: 'integer', ...schema };
      case 'float_t':
        return { type: 'number', ...schema };
      case 'boolean_t':
        return { type: 'boolean' };
      case 'json_t':
        return {};
      default:
    }
  }
  throw new Error(`unknown OCSF type ${typeName}`);
}

const defs = {};

function objectRef(name) {
  if (defs[name] === undefined) {
    defs[name] = {}; // placeholder against cycles
    const def = objects.get(name);
    if (def === undefined) throw new Error(`unknown OCSF object ${name}`);
    defs[name] = compile(def, objects, name === 'object');
  }
  return { $ref: `#/$defs/${name}` };
}

function attributeSchema(name, attr) {
  const dict = dictionary.attributes[name];
  if (dict === undefined) throw new Error(`attribute ${name} is not in the dictionary`);
  const type = attr.type ?? dict.type;
  const isArray = attr.is_array ?? dict.is_array ?? false;
  let schema = type.endsWith('_t') ? scalar(type) : objectRef(attr.object_type ?? type);
  const enumeration = attr.enum === undefined ? dict.enum : { ...dict.enum, ...attr.enum };
  if (enumeration !== undefined && schema.type === 'integer') schema = { ...schema, enum: Object.keys(enumeration).map(Number) };
  return isArray ? { type: 'array', items: schema } : schema;
}

function compile(def, lookup, open = false) {
  const { attributes, constraints } = flatten(def, lookup);
  const properties = {};
  const required = [];
  for (const [name, attr] of Object.entries(attributes)) {
    properties[name] = attributeSchema(name, attr);
    const active = attr.profile === undefined || attr.profile === null || profiles.has(attr.profile);
    if (attr.requirement === 'required' && active) required.push(name);
  }
  const schema = { type: 'object', properties, additionalProperties: open };
  if (required.length > 0) schema.required = required.sort();
  if (constraints?.at_least_one !== undefined) schema.anyOf = constraints.at_least_one.map((n) => ({ required: [n] }));
  if (constraints?.just_one !== undefined) schema.oneOf = constraints.just_one.map((n) => ({ required: [n] }));
  return schema;
}

const event = events.get(className);
if (event === undefined) throw new Error(`unknown OCSF class ${className}`);
let categoryName;
for (let d = event; d !== undefined && categoryName === undefined; d = events.get(d.extends)) categoryName = d.category;
const category = categories[categoryName];
const classUid = category.uid * 1000 + event.uid;
const body = compile(event, events);
body.properties.class_uid = { type: 'integer', const: classUid };
body.properties.category_uid = { type: 'integer', const: category.uid };
const activities = body.properties.activity_id.enum ?? [];
body.properties.type_uid = { type: 'integer', enum: activities.map((a) => classUid * 100 + a) };

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://schema.ocsf.io/${version}/classes/${className}`,
  title: `OCSF ${version} ${event.caption} (class_uid ${classUid})${profiles.size > 0 ? `, profiles: ${[...profiles].join(', ')}` : ''}`,
  description: `Generated by scripts/ocsf-json-schema.mjs from the OCSF schema ${version} sources (Apache-2.0, see LICENSE beside this file).`,
  ...body,
  $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
};
process.stdout.write(`${JSON.stringify(schema, null, 1)}\n`);
