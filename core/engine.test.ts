import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dataset, defineControl, evidenceFrom, type DatasetDef, type Judgement } from './control.js';
import { runScan, scanEachTarget, type ProviderPlan, type ReadFailure, type TargetSession } from './engine.js';
import { findingId } from './ids.js';

interface Thing {
  id: string;
  ok: boolean;
}

const things = dataset<Thing>({ key: 'test.things', provider: 'aws', scope: 'region', api: 'svc:ListThings', actions: ['svc:ListThings'] });
const hints = dataset<string>({ key: 'test.hints', provider: 'aws', scope: 'region', api: 'svc:ListHints', actions: ['svc:ListHints'] });
const settings = dataset<{ on: boolean }>({ key: 'test.settings', provider: 'aws', scope: 'account', api: 'svc:GetSettings', actions: ['svc:GetSettings'] });

const thingsOk = defineControl({
  id: 'test-things-ok',
  provider: 'aws',
  area: 'volumes',
  title: 'Things are ok',
  severity: 'high',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'region',
  description: 'test',
  remediation: { text: 'fix it', url: 'https://example.invalid/fix' },
  reads: { things },
  context: { hints },
  evaluate({ things: read }, { hints: hinted }, ctx) {
    return read.items.map(
      (t): Judgement => ({
        resource: { id: t.id, uid: `arn:test:${ctx.region}:${t.id}`, type: 'Thing', tags: {} },
        status: t.ok ? 'PASS' : 'FAIL',
        message: `${t.id} ${hinted === undefined ? 'without context' : `with ${hinted.items.length} hints`}`,
        evidence: [evidenceFrom(read, { ok: t.ok })],
      }),
    );
  },
});

const settingOn = defineControl({
  id: 'test-setting-on',
  provider: 'aws',
  area: 'mfa',
  title: 'Setting is on',
  severity: 'critical',
  hipaa: ['164.312(d)'],
  scope: 'account',
  description: 'test',
  remediation: { text: 'turn it on', url: 'https://example.invalid/on' },
  reads: { settings },
  evaluate({ settings: read }, _context, ctx) {
    return read.items.map(
      (s): Judgement => ({
        resource: { id: ctx.account, uid: `arn:test::${ctx.account}:setting`, type: 'Setting', tags: {} },
        status: s.on ? 'PASS' : 'FAIL',
        message: 'setting',
        evidence: [],
      }),
    );
  },
});

type Behaviour = Record<string, unknown[] | Error>;

function fakeSession(account: string, regions: string[], data: (dataset: DatasetDef<unknown>, region: string) => unknown[] | Error): TargetSession {
  return {
    provider: 'aws',
    account,
    regionsApi: 'svc:ListRegions',
    async regions(selection) {
      const enabled = selection === undefined ? regions : regions.filter((r) => selection.includes(r));
      return { enabled, disabled: selection === undefined ? ['ap-disabled-1'] : selection.filter((r) => !regions.includes(r)) };
    },
    async collect(dataset, region) {
      const result = data(dataset, region);
      if (result instanceof Error) throw result;
      return result;
    },
    describeFailure(error, api): ReadFailure {
      return { api, code: (error as Error).name, reason: (error as Error).message };
    },
    close() {},
  };
}

function planOf(sessions: TargetSession[]): ProviderPlan {
  return { provider: 'aws', targets: sessions.map((session) => ({ account: session.account, open: async () => ({ ok: true as const, session }) })) };
}

function denied(): Error {
  return Object.assign(new Error('not allowed'), { name: 'AccessDenied' });
}

const thresholds = { minLogRetentionDays: 365 };

function world(behaviour: Record<string, Behaviour>) {
  return (dataset: DatasetDef<unknown>, region: string) => behaviour[region]?.[dataset.key] ?? [];
}

describe('runScan', () => {
  it('judges every enabled region and the account once, with stable ids and the control metadata', async () => {
    const session = fakeSession('111122223333', ['eu-west-1', 'us-east-1'], world({
      'eu-west-1': { 'test.things': [{ id: 'a', ok: false }], 'test.hints': ['h'] },
      'us-east-1': { 'test.things': [{ id: 'b', ok: true }] },
      global: { 'test.settings': [{ on: false }] },
    }));
    const doc = await runScan({ plans: [planOf([session])], controls: [thingsOk, settingOn], thresholds });
    expect(doc.results.map((f) => [f.controlId, f.region, f.resource.id, f.status])).toEqual([
      ['test-setting-on', 'global', '111122223333', 'FAIL'],
      ['test-things-ok', 'eu-west-1', 'a', 'FAIL'],
      ['test-things-ok', 'us-east-1', 'b', 'PASS'],
    ]);
    const failed = doc.results.find((f) => f.resource.id === 'a');
    expect(failed).toMatchObject({
      id: findingId('test-things-ok', 'arn:test:eu-west-1:a'),
      area: 'volumes',
      severity: 'high',
      hipaa: ['164.312(a)(2)(iv)'],
      remediation: { url: 'https://example.invalid/fix' },
      message: 'a with 1 hints',
    });
    expect(failed?.evidence[0]).toMatchObject({ api: 'svc:ListThings', region: 'eu-west-1', fields: { ok: false } });
    expect(doc.targets).toEqual([{ provider: 'aws', account: '111122223333', regions: ['eu-west-1', 'us-east-1'], disabledRegions: ['ap-disabled-1'] }]);
    expect(doc.coverage).toEqual([]);
    expect(doc.controls).toEqual(['test-things-ok', 'test-setting-on']);
  });

  it('turns a read that failed in one region into ERROR for exactly that scope, never PASS', async () => {
    const session = fakeSession('111122223333', ['eu-west-1', 'us-east-1'], world({
      'eu-west-1': { 'test.things': denied() },
      'us-east-1': { 'test.things': [{ id: 'b', ok: true }] },
      global: { 'test.settings': [{ on: true }] },
    }));
    const doc = await runScan({ plans: [planOf([session])], controls: [thingsOk, settingOn], thresholds });
    const eu = doc.results.filter((f) => f.region === 'eu-west-1');
    expect(eu).toHaveLength(1);
    expect(eu[0]).toMatchObject({ status: 'ERROR', controlId: 'test-things-ok', resource: { uid: 'aws://111122223333/eu-west-1', type: 'Scope' } });
    expect(eu[0]?.message).toContain('svc:ListThings failed (AccessDenied: not allowed)');
    expect(doc.results.filter((f) => f.region === 'us-east-1').map((f) => f.status)).toEqual(['PASS']);
    expect(doc.coverage).toEqual([
      { provider: 'aws', account: '111122223333', region: 'eu-west-1', api: 'svc:ListThings', code: 'AccessDenied', reason: 'not allowed', controls: ['test-things-ok'] },
    ]);
  });

  it('judges without context when only a context dataset failed, and records the gap', async () => {
    const session = fakeSession('111122223333', ['eu-west-1'], world({ 'eu-west-1': { 'test.things': [{ id: 'a', ok: false }], 'test.hints': denied() } }));
    const doc = await runScan({ plans: [planOf([session])], controls: [thingsOk], thresholds });
    expect(doc.results.map((f) => [f.status, f.message])).toEqual([['FAIL', 'a without context']]);
    expect(doc.coverage.map((g) => g.api)).toEqual(['svc:ListHints']);
  });

  it('gives ERROR for every control in every region when the account cannot be opened', async () => {
    const plan: ProviderPlan = {
      provider: 'aws',
      targets: [
        {
          account: '222233334444',
          name: 'production',
          open: async () => ({ ok: false, provider: 'aws', account: '222233334444', name: 'production', failure: { api: 'sts:AssumeRole', code: 'AccessDenied', reason: 'external id mismatch' } }),
        },
      ],
    };
    const doc = await runScan({ plans: [plan], controls: [thingsOk, settingOn], thresholds });
    expect(doc.results.map((f) => [f.controlId, f.region, f.status])).toEqual([
      ['test-setting-on', '*', 'ERROR'],
      ['test-things-ok', '*', 'ERROR'],
    ]);
    expect(doc.targets).toEqual([{ provider: 'aws', account: '222233334444', name: 'production', regions: [], disabledRegions: [] }]);
    expect(doc.coverage[0]).toMatchObject({ api: 'sts:AssumeRole', region: '*', controls: ['test-things-ok', 'test-setting-on'] });
  });

  it('gives ERROR for the whole account when its regions cannot be listed', async () => {
    const session = fakeSession('111122223333', [], () => []);
    session.regions = async () => {
      throw denied();
    };
    const doc = await runScan({ plans: [planOf([session])], controls: [thingsOk], thresholds });
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0]).toMatchObject({ status: 'ERROR', region: '*' });
    expect(doc.coverage[0]).toMatchObject({ api: 'svc:ListRegions', code: 'AccessDenied' });
  });

  it('restricts to the selected regions and lists a selected region that is not enabled as disabled', async () => {
    const seen: string[] = [];
    const session = fakeSession('111122223333', ['eu-west-1', 'us-east-1'], (d, region) => {
      seen.push(`${d.key}@${region}`);
      return [];
    });
    const doc = await runScan({ plans: [planOf([session])], controls: [thingsOk], thresholds, regions: ['us-east-1', 'me-south-1'] });
    expect(seen.sort()).toEqual(['test.hints@us-east-1', 'test.things@us-east-1']);
    expect(doc.targets[0]).toMatchObject({ regions: ['us-east-1'], disabledRegions: ['me-south-1'] });
  });

  it('never has more reads in flight than the concurrency bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const regions = Array.from({ length: 12 }, (_, i) => `xx-test-${i + 1}`);
    const session = fakeSession('111122223333', regions, () => []);
    session.collect = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return [];
    };
    await runScan({ plans: [planOf([session])], controls: [thingsOk], thresholds, concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('defers the regions it has no time left for, and a continuation part skips account-wide controls', async () => {
    const regions = ['eu-west-1', 'eu-west-2', 'us-east-1', 'us-west-2'];
    const session = fakeSession('111122223333', regions, world({ global: { 'test.settings': [{ on: false }] } }));
    let reads = 0;
    const doc = await runScan({
      plans: [planOf([session])],
      controls: [thingsOk, settingOn],
      thresholds,
      concurrency: 1,
      keepGoing: () => (reads += 1) <= 5,
    });
    const target = doc.targets[0];
    expect(target?.regions.length).toBeGreaterThan(0);
    expect(target?.deferredRegions?.length).toBeGreaterThan(0);
    expect([...(target?.regions ?? []), ...(target?.deferredRegions ?? [])].sort()).toEqual(regions);
    // Deferred regions are neither judged nor reported as errors.
    expect(doc.results.filter((f) => target?.deferredRegions?.includes(f.region))).toEqual([]);
    expect(doc.coverage).toEqual([]);
    expect(doc.results.map((f) => f.controlId)).toContain('test-setting-on');

    const rest = fakeSession('111122223333', regions, world({}));
    const part2 = await runScan({ plans: [planOf([rest])], controls: [thingsOk, settingOn], thresholds, regions: target?.deferredRegions ?? [], skipAccountScope: true });
    expect(part2.targets[0]?.regions).toEqual(target?.deferredRegions);
    expect(part2.results.map((f) => f.controlId)).not.toContain('test-setting-on');
  });

  it('reports progress until every target and region is done', async () => {
    const session = fakeSession('111122223333', ['eu-west-1', 'us-east-1'], () => []);
    const updates: string[] = [];
    await runScan({ plans: [planOf([session])], controls: [thingsOk], thresholds, onProgress: (p) => updates.push(`${p.targetsDone}/${p.targetsTotal} ${p.regionsDone}/${p.regionsTotal}`) });
    expect(updates.at(-1)).toBe('1/1 2/2');
  });
});

describe('scanEachTarget', () => {
  it("hands each target's findings on before later targets are opened, and holds a slot until the target is handled", async () => {
    const events: string[] = [];
    const accounts = ['111111111111', '222222222222', '333333333333'];
    const plan: ProviderPlan = {
      provider: 'aws',
      targets: accounts.map((account) => ({
        account,
        open: async () => {
          events.push(`open ${account}`);
          return { ok: true as const, session: fakeSession(account, ['eu-west-1'], world({ 'eu-west-1': { 'test.things': [{ id: account, ok: false }] } })) };
        },
      })),
    };
    await scanEachTarget({ plans: [plan], controls: [thingsOk, settingOn], thresholds, targetConcurrency: 1 }, () => ({
      findings: (findings) => {
        events.push(`findings ${findings.map((f) => `${f.controlId}:${f.status}:${f.scope}`).join(',')}`);
      },
      done: async ({ target }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`done ${target.account}`);
      },
    }));
    expect(events).toEqual(
      accounts.flatMap((a) => [`open ${a}`, 'findings test-things-ok:FAIL:eu-west-1', `done ${a}`]),
    );
  });

  it('hands on scope by scope: account-wide first, then each region as listed, whichever is judged first', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'us-west-2'];
    const slow = new Set(['eu-west-1']);
    const base = fakeSession('111111111111', regions, world({ 'eu-west-1': { 'test.things': [{ id: 'a', ok: false }, { id: 'b', ok: true }] }, 'us-east-1': { 'test.things': [{ id: 'c', ok: true }] }, 'us-west-2': { 'test.things': [{ id: 'd', ok: false }] }, global: { 'test.settings': [{ on: true }] } }));
    const session: TargetSession = {
      ...base,
      collect: async (dataset, region) => {
        if (slow.has(region)) await new Promise((resolve) => setTimeout(resolve, 30));
        return base.collect(dataset, region);
      },
    };
    const scopes: string[][] = [];
    await scanEachTarget({ plans: [planOf([session])], controls: [thingsOk, settingOn], thresholds }, () => ({
      findings: (findings) => {
        scopes.push(findings.map((f) => `${f.scope} ${f.resource.id} ${f.status}`));
      },
      done: () => undefined,
    }));
    expect(scopes).toEqual([['global 111111111111 PASS'], ['eu-west-1 a FAIL', 'eu-west-1 b PASS'], ['us-east-1 c PASS'], ['us-west-2 d FAIL']]);
  });

  it("lets a scope's findings be collected once handed on, while later scopes of the target are still being read", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const many = Array.from({ length: 2_000 }, (_, i) => ({ id: `t-${i}`, ok: i % 2 === 0 }));
    let openLastRegion: () => void = () => undefined;
    const lastRegionRead = new Promise<void>((resolve) => {
      openLastRegion = resolve;
    });
    const base = fakeSession('111111111111', ['eu-west-1', 'us-east-1'], world({ 'eu-west-1': { 'test.things': many }, 'us-east-1': { 'test.things': [{ id: 'late', ok: true }] } }));
    const session: TargetSession = {
      ...base,
      collect: async (dataset, region) => {
        if (region === 'us-east-1') await lastRegionRead;
        return base.collect(dataset, region);
      },
    };
    const handedOn: Array<WeakRef<object>> = [];
    let collectedBeforeTheEnd: boolean | undefined;
    await scanEachTarget({ plans: [planOf([session])], controls: [thingsOk], thresholds }, () => ({
      findings: (findings) => {
        if (findings[0]?.scope !== 'eu-west-1') return;
        handedOn.push(new WeakRef(findings), ...findings.slice(0, 3).map((f) => new WeakRef(f)));
        // Checked after this hand-on has returned and the engine moved on; us-east-1 is still unread.
        setTimeout(() => {
          gc();
          collectedBeforeTheEnd = handedOn.every((ref) => ref.deref() === undefined);
          openLastRegion();
        }, 10);
      },
      done: () => undefined,
    }));
    expect(handedOn).toHaveLength(4);
    expect(collectedBeforeTheEnd).toBe(true);
  });

  it('gives runScan the same results, whole, as the scopes together', async () => {
    const sessions = ['111111111111', '222222222222'].map((a) => fakeSession(a, ['eu-west-1', 'us-east-1'], world({ 'eu-west-1': { 'test.things': [{ id: a, ok: false }] }, global: { 'test.settings': [{ on: false }] } })));
    const handed: string[] = [];
    await scanEachTarget({ plans: [planOf(sessions)], controls: [thingsOk, settingOn], thresholds }, () => ({
      findings: (findings) => {
        handed.push(...findings.map((f) => f.id));
      },
      done: () => undefined,
    }));
    const whole = await runScan({ plans: [planOf(sessions)], controls: [thingsOk, settingOn], thresholds });
    expect(handed.sort()).toEqual(whole.results.map((f) => f.id).sort());
    expect(whole.results).toHaveLength(4);
  });
});
