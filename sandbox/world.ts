// Reads a world file (YAML or JSON), validates it against world.schema.json and then checks what a
// schema cannot (duplicates, references between resources). Every problem names the file, the path
// inside it and what was expected versus found, e.g.
//   world.yml: accounts[1].regions.eu-west-1.volumes[0].encrypted: expected boolean, found "yes" (line 42)

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { explainSchemaErrors, formatPath, type PathSegment } from '../core/schema-errors.js';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import worldSchema from './world.schema.json' with { type: 'json' };
import gcpWorldSchema from './gcp/world.schema.json' with { type: 'json' };
import azureWorldSchema from './azure/world.schema.json' with { type: 'json' };
import type { World, WorldAccount, WorldRegion } from './types.js';

export type * from './types.js';
export { expandWorld } from './generate.js';


export interface WorldProblem {
  path: string;
  text: string;
  line?: number;
}

/** A world file that cannot be used; `message` has one line per problem, each naming file and path. */
export class WorldError extends Error {
  constructor(
    readonly file: string,
    readonly problems: WorldProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.path}: ${p.text}${p.line === undefined ? '' : ` (line ${p.line})`}`).join('\n'));
    this.name = 'WorldError';
  }
}

const MAX_PROBLEMS = 25;

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
// The Google Cloud and Azure parts of a world have schemas of their own, mounted here.
const validateSchema = ajv.compile<World>({
  ...worldSchema,
  properties: { ...worldSchema.properties, gcp: gcpWorldSchema, azure: azureWorldSchema },
});

function schemaProblems(data: unknown): Array<{ path: PathSegment[]; text: string }> {
  if (validateSchema(data)) return [];
  return explainSchemaErrors(validateSchema.errors ?? [], data);
}

/** Checks a schema cannot express: unique ids, and references that must resolve. */
function crossCheck(world: World): Array<{ path: PathSegment[]; text: string }> {
  const problems: Array<{ path: PathSegment[]; text: string }> = [];
  const accounts = world.accounts ?? [];
  const byId = new Map<string, number>();
  const names = new Set<string>();
  const keys = new Map<string, string>();
  let current: number | undefined;
  accounts.forEach((account, i) => {
    const first = byId.get(account.id);
    if (first !== undefined) problems.push({ path: ['accounts', i, 'id'], text: `account ${account.id} is already defined at accounts[${first}]` });
    else byId.set(account.id, i);
    names.add(account.name ?? account.id);
    if (account.current === true) {
      if (current !== undefined) problems.push({ path: ['accounts', i, 'current'], text: `only one account can be current; accounts[${current}] already is` });
      else current = i;
    }
    (account.accessKeys ?? []).forEach((key, k) => {
      const owner = keys.get(key);
      if (owner !== undefined) problems.push({ path: ['accounts', i, 'accessKeys', k], text: `access key ${key} already belongs to account ${owner}` });
      else keys.set(key, account.id);
    });
  });

  const orgs = new Map<string, string>();
  (world.organizations ?? []).forEach((org, i) => {
    if (orgs.has(org.id)) problems.push({ path: ['organizations', i, 'id'], text: `organisation ${org.id} is defined twice` });
    orgs.set(org.id, org.managementAccount);
    const index = byId.get(org.managementAccount);
    if (index === undefined) {
      problems.push({ path: ['organizations', i, 'managementAccount'], text: `expected an account defined under accounts, found "${org.managementAccount}"` });
    } else {
      const declared = accounts[index]?.organization;
      if (declared !== undefined && declared !== org.id) {
        problems.push({ path: ['accounts', index, 'organization'], text: `account ${org.managementAccount} manages ${org.id}, so it cannot belong to ${declared}` });
      }
    }
  });
  const managed = new Map([...orgs].map(([org, mgmt]) => [mgmt, org]));

  accounts.forEach((account, i) => {
    if (account.organization !== undefined && !orgs.has(account.organization)) {
      problems.push({ path: ['accounts', i, 'organization'], text: `expected an organisation defined under organizations, found "${account.organization}"` });
    }
    checkAccount(account, ['accounts', i], managed.has(account.id), problems);
  });

  const knownAccount = (ref: string) => byId.has(ref) || names.has(ref) || world.generate !== undefined;
  (world.faults ?? []).forEach((fault, i) => {
    if (fault.account !== undefined && !knownAccount(fault.account)) problems.push({ path: ['faults', i, 'account'], text: `expected an account id or name of this world, found "${fault.account}"` });
  });
  (world.rateLimits ?? []).forEach((limit, i) => {
    if (limit.account !== undefined && !knownAccount(limit.account)) problems.push({ path: ['rateLimits', i, 'account'], text: `expected an account id or name of this world, found "${limit.account}"` });
  });
  const latency = world.latencyMs;
  if (typeof latency === 'object' && latency.min > latency.max) problems.push({ path: ['latencyMs', 'min'], text: `expected at most max (${latency.max}), found ${latency.min}` });
  return problems;
}

function duplicates<T>(items: readonly T[] | undefined, key: (item: T) => string | undefined, path: PathSegment[], field: string, what: string, problems: Array<{ path: PathSegment[]; text: string }>): void {
  const seen = new Map<string, number>();
  (items ?? []).forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first !== undefined) problems.push({ path: [...path, i, field], text: `${what} "${k}" is already defined at ${formatPath([...path, first])}` });
    else seen.set(k, i);
  });
}

function checkAccount(account: WorldAccount, base: PathSegment[], isManagement: boolean, problems: Array<{ path: PathSegment[]; text: string }>): void {
  duplicates(account.roles, (r) => r.name, [...base, 'roles'], 'name', 'role', problems);
  duplicates(account.iam?.users, (u) => u.name, [...base, 'iam', 'users'], 'name', 'user', problems);
  const trailNames = new Map<string, string>();
  for (const [regionName, region] of Object.entries(account.regions ?? {})) {
    const at: PathSegment[] = [...base, 'regions', regionName];
    checkRegion(region, at, problems);
    (region.trails ?? []).forEach((trail, t) => {
      const other = trailNames.get(trail.name);
      if (other !== undefined) problems.push({ path: [...at, 'trails', t, 'name'], text: `trail "${trail.name}" already exists in ${other}; trail names are unique per account` });
      else trailNames.set(trail.name, regionName);
      if (trail.organization === true && !isManagement) {
        problems.push({ path: [...at, 'trails', t, 'organization'], text: 'an organisation trail can only be created in an organisation\'s management account' });
      }
      if (trail.eventSelectors !== undefined && trail.advancedEventSelectors !== undefined) {
        problems.push({ path: [...at, 'trails', t, 'advancedEventSelectors'], text: 'a trail uses eventSelectors or advancedEventSelectors, not both' });
      }
    });
  }
}

function checkRegion(region: WorldRegion, at: PathSegment[], problems: Array<{ path: PathSegment[]; text: string }>): void {
  duplicates(region.volumes, (v) => v.id, [...at, 'volumes'], 'id', 'volume', problems);
  duplicates(region.securityGroups, (g) => g.id, [...at, 'securityGroups'], 'id', 'security group', problems);
  duplicates(region.securityGroups, (g) => `${g.vpcId ?? ''}/${g.name}`, [...at, 'securityGroups'], 'name', 'security group name (per VPC)', problems);
  duplicates(region.prefixLists, (p) => p.id, [...at, 'prefixLists'], 'id', 'prefix list', problems);
  duplicates(region.prefixLists, (p) => p.name, [...at, 'prefixLists'], 'name', 'prefix list name', problems);
  duplicates(region.networkInterfaces, (n) => n.id, [...at, 'networkInterfaces'], 'id', 'network interface', problems);
  duplicates(region.dbInstances, (d) => d.id, [...at, 'dbInstances'], 'id', 'DB instance', problems);
  duplicates(region.dbClusters, (d) => d.id, [...at, 'dbClusters'], 'id', 'DB cluster', problems);
  duplicates(region.logGroups, (l) => l.name, [...at, 'logGroups'], 'name', 'log group', problems);
  const groups = new Set<string>();
  for (const g of region.securityGroups ?? []) {
    groups.add(g.name);
    if (g.id !== undefined) groups.add(g.id);
  }
  const checkGroups = (refs: string[] | undefined, path: PathSegment[]) =>
    (refs ?? []).forEach((ref, k) => {
      if (!groups.has(ref)) problems.push({ path: [...path, k], text: `expected a security group (id or name) of this account and region, found "${ref}"` });
    });
  (region.networkInterfaces ?? []).forEach((eni, i) => checkGroups(eni.groups, [...at, 'networkInterfaces', i, 'groups']));
  (region.dbClusters ?? []).forEach((c, i) => checkGroups(c.securityGroups, [...at, 'dbClusters', i, 'securityGroups']));
  const clusters = new Set((region.dbClusters ?? []).map((c) => c.id));
  (region.dbInstances ?? []).forEach((db, i) => {
    checkGroups(db.securityGroups, [...at, 'dbInstances', i, 'securityGroups']);
    if (db.cluster !== undefined && !clusters.has(db.cluster)) {
      problems.push({ path: [...at, 'dbInstances', i, 'cluster'], text: `expected a DB cluster of this account and region, found "${db.cluster}"` });
    }
  });
}

function lineOf(doc: Document | undefined, counter: LineCounter | undefined, path: PathSegment[]): number | undefined {
  if (doc === undefined || counter === undefined) return undefined;
  for (let len = path.length; len >= 0; len -= 1) {
    const node = doc.getIn(path.slice(0, len), true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function validate(data: unknown, fileName: string, doc?: Document, counter?: LineCounter): World {
  let problems = schemaProblems(data);
  if (problems.length === 0) problems = crossCheck(data as World);
  if (problems.length > 0) {
    const seen = new Set<string>();
    const located: WorldProblem[] = [];
    for (const p of problems) {
      const path = formatPath(p.path);
      if (seen.has(`${path}\n${p.text}`)) continue;
      seen.add(`${path}\n${p.text}`);
      const line = lineOf(doc, counter, p.path);
      located.push(line === undefined ? { path, text: p.text } : { path, text: p.text, line });
      if (located.length >= MAX_PROBLEMS) break;
    }
    throw new WorldError(fileName, located);
  }
  return data as World;
}

/** Parses and validates world text (YAML, of which JSON is a subset). Throws WorldError. */
export function parseWorld(text: string, fileName: string): World {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new WorldError(
      fileName,
      doc.errors.slice(0, MAX_PROBLEMS).map((e) => {
        const line = counter.linePos(e.pos[0]).line;
        const text = `YAML syntax error: ${e.message.split('\n')[0] ?? e.code}`;
        return line === undefined ? { path: '(top level)', text } : { path: '(top level)', text, line };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  return validate(data, fileName, doc, counter);
}

/** Reads a world file. Throws an Error whose message names the file and the path of each problem. */
export function loadWorld(path: string): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WorldError(path, [{ path: '(top level)', text: `cannot read the file: ${(error as Error).message}` }]);
  }
  return parseWorld(text, path);
}

/** Validates a world built in code (the same checks as a file). */
export function checkWorld(world: World, name = 'world'): World {
  return validate(JSON.parse(JSON.stringify(world)) as unknown, name);
}

/**
 * The bundled demo world, from the sources (sandbox/world.ts), the compiled build (dist/sandbox/) or
 * the CLI bundle (dist/cli-bundle/chunks/): the nearest `sandbox/worlds/demo.yml` above this module.
 */
export function demoWorldPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'worlds', 'demo.yml'), join(dir, 'sandbox', 'worlds', 'demo.yml')]) if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`the bundled sandbox world (sandbox/worlds/demo.yml) is missing from every folder above ${here}`);
}
