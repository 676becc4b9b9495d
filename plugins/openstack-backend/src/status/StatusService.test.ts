import { mockServices } from '@backstage/backend-test-utils';
import {
  CloudSource,
  CloudView,
  StatusService,
  StatusTarget,
} from './StatusService';

const prod: StatusTarget = {
  entityRef: 'resource:default/prod',
  driver: 'live',
  cloudKey: 'prod',
};

/** A source whose reads the test finishes by hand, counting them. */
function manualSource() {
  const pending: Array<(v: CloudView) => void> = [];
  const source: CloudSource & { reads: number } = {
    reads: 0,
    has: async c => c === 'prod',
    read: () => {
      source.reads++;
      return new Promise<CloudView>(resolve => pending.push(resolve));
    },
  };
  const finish = (label: string) => {
    const resolve = pending.shift();
    if (!resolve) throw new Error('no read is running');
    resolve({ status: { fetchedAt: label } as any, hosts: [] });
  };
  return { source, finish };
}

const flush = () => new Promise(r => setImmediate(r));

describe('StatusService', () => {
  let clock: number;
  const make = (source: CloudSource) =>
    new StatusService(
      { live: source },
      mockServices.cache.mock({
        get: async () => undefined,
        set: async () => {},
        delete: async () => {},
      } as any),
      mockServices.logger.mock(),
      10_000,
      60_000,
      () => clock,
    );

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('coalesces identical reads into one upstream read', async () => {
    const { source, finish } = manualSource();
    const svc = make(source);
    const readers = Promise.all(
      Array.from({ length: 100 }, () => svc.view(prod)),
    );
    await flush();
    finish('t0');
    const views = await readers;
    expect(source.reads).toBe(1);
    expect(new Set(views.map(v => v.status.fetchedAt))).toEqual(
      new Set(['t0']),
    );
  });

  it('drops a read that ended partial (a source timed out) or failed from the in-flight table: the next read starts afresh', async () => {
    const views: Array<() => Promise<CloudView>> = [
      // the Kubernetes part timed out (kubeHttp's time limit): partial, not pending forever
      async () => ({
        status: {
          fetchedAt: 't0',
          errors: [
            { source: 'kubernetes', message: 'no answer within 10000 ms' },
          ],
        } as any,
        hosts: [],
      }),
      async () => {
        throw new Error('Keystone: no answer within 10000 ms');
      },
      async () => ({
        status: { fetchedAt: 't2', errors: [] } as any,
        hosts: [],
      }),
    ];
    let reads = 0;
    const svc = make({ has: async () => true, read: () => views[reads++]() });
    const [a, b] = await Promise.all([svc.view(prod), svc.view(prod)]);
    expect([a.status.errors, b.status.errors]).toEqual([
      [expect.objectContaining({ source: 'kubernetes' })],
      [expect.objectContaining({ source: 'kubernetes' })],
    ]);
    expect(reads).toBe(1);
    await expect(svc.view(prod, { refresh: true })).rejects.toThrow(
      /no answer/,
    );
    expect(reads).toBe(2);
    expect((await svc.view(prod, { refresh: true })).status.fetchedAt).toBe(
      't2',
    );
    expect(reads).toBe(3);
  });

  it('serves a fresh view without reading again', async () => {
    const { source, finish } = manualSource();
    const svc = make(source);
    const first = svc.view(prod);
    await flush();
    finish('t0');
    await first;
    clock += 9_999;
    expect((await svc.view(prod)).status.fetchedAt).toBe('t0');
    expect(source.reads).toBe(1);
  });

  it('serves a stale view at once and refreshes it in the background, once', async () => {
    const { source, finish } = manualSource();
    const svc = make(source);
    const first = svc.view(prod);
    await flush();
    finish('t0');
    await first;
    clock += 15_000; // past the TTL, within maxStale
    const [a, b] = await Promise.all([svc.view(prod), svc.view(prod)]);
    expect([a.status.fetchedAt, b.status.fetchedAt]).toEqual(['t0', 't0']);
    expect(source.reads).toBe(2); // one background read for both
    finish('t1');
    await flush();
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    expect(source.reads).toBe(2);
  });

  it('waits for a fresh read when the view is older than maxStale, or when asked to refresh', async () => {
    const { source, finish } = manualSource();
    const svc = make(source);
    const first = svc.view(prod);
    await flush();
    finish('t0');
    await first;
    clock += 61_000;
    const old = svc.view(prod);
    await flush();
    finish('t1');
    expect((await old).status.fetchedAt).toBe('t1');

    const forced = svc.view(prod, { refresh: true });
    await flush();
    finish('t2');
    expect((await forced).status.fetchedAt).toBe('t2');
    expect(source.reads).toBe(3);
  });

  it('keeps serving the stale view when the background refresh fails, and says so in the log', async () => {
    let fail = false;
    let reads = 0;
    const logger = mockServices.logger.mock();
    const svc = new StatusService(
      {
        live: {
          has: async () => true,
          read: async () => {
            reads++;
            if (fail) throw new Error('Nova 503');
            return { status: { fetchedAt: `t${reads}` } as any, hosts: [] };
          },
        },
      },
      mockServices.cache.mock({
        get: async () => undefined,
        set: async () => {},
        delete: async () => {},
      } as any),
      logger,
      10_000,
      60_000,
      () => clock,
    );
    await svc.view(prod);
    fail = true;
    clock += 20_000;
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    await flush();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Nova 503'),
    );
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
  });

  it('keeps views out of a cache service that is not shared with other replicas', async () => {
    const cache = { get: jest.fn(async () => undefined), set: jest.fn(async () => {}), delete: jest.fn(async () => {}) };
    let reads = 0;
    const svc = new StatusService(
      { live: { has: async () => true, read: async () => ({ status: { fetchedAt: `t${++reads}` } as any, hosts: [] }) } },
      mockServices.cache.mock(cache as any),
      mockServices.logger.mock(),
      10_000,
      60_000,
      () => clock,
      false,
    );
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    // stale: served at once, refreshed in the background
    clock += 20_000;
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    await flush();
    await flush();
    expect((await svc.view(prod)).status.fetchedAt).toBe('t2');
    expect(reads).toBe(2);
    expect(cache.set).not.toHaveBeenCalled();
    expect(cache.get).not.toHaveBeenCalled();
  });

  it('shares a new view with the other replicas through a shared cache service', async () => {
    const cache = { get: jest.fn(async () => undefined), set: jest.fn(async () => {}), delete: jest.fn(async () => {}) };
    const svc = new StatusService(
      { live: { has: async () => true, read: async () => ({ status: { fetchedAt: 't1' } as any, hosts: [] }) } },
      mockServices.cache.mock(cache as any),
      mockServices.logger.mock(),
      10_000,
      60_000,
      () => clock,
    );
    await svc.view(prod);
    await flush();
    await flush();
    expect(cache.set).toHaveBeenCalledWith('view:live:prod', expect.objectContaining({ readAt: clock }), expect.anything());
    expect(cache.set).toHaveBeenCalledWith('view:live:prod:readAt', clock, expect.anything());
  });

  it('reads afresh after invalidate', async () => {
    const { source, finish } = manualSource();
    const svc = make(source);
    const first = svc.view(prod);
    await flush();
    finish('t0');
    await first;
    await svc.invalidate(prod);
    const next = svc.view(prod);
    await flush();
    finish('t1');
    expect((await next).status.fetchedAt).toBe('t1');
  });

  it('says how to configure an unknown cloud', async () => {
    const { source } = manualSource();
    await expect(
      make(source).view({
        ...prod,
        entityRef: 'resource:team-a/staging',
        cloudKey: 'staging',
      }),
    ).rejects.toThrow(
      'resource:team-a/staging: cloud "staging" is not configured: add openstack.clouds.staging',
    );
  });

  it("reads a cloud from its driver's source only, by its cloud key", async () => {
    const live = manualSource();
    const demoReads: string[] = [];
    const svc = new StatusService(
      {
        live: live.source,
        demo: {
          has: async k => k === 'prod',
          read: async c => {
            demoReads.push(c.cloudKey);
            return { status: { fetchedAt: 'demo' } as any, hosts: [] };
          },
        },
      },
      mockServices.cache.mock({
        get: async () => undefined,
        set: async () => {},
        delete: async () => {},
      } as any),
      mockServices.logger.mock(),
    );
    // the same key under both drivers is two clouds, cached apart
    expect((await svc.view({ ...prod, driver: 'demo' })).status.fetchedAt).toBe(
      'demo',
    );
    const fromLive = svc.view(prod);
    await flush();
    live.finish('live');
    expect((await fromLive).status.fetchedAt).toBe('live');
    expect([demoReads, live.source.reads]).toEqual([['prod'], 1]);
    await expect(
      svc.view({
        entityRef: 'resource:default/lab',
        driver: 'demo',
        cloudKey: 'lab',
      }),
    ).rejects.toThrow(
      'resource:default/lab is a demo cloud (openstack.backstage.io/delivery: demo), but the demo store has no cloud "lab"',
    );
  });
});

describe('StatusService across replicas', () => {
  /** A cache shared by replicas, recording the keys read. */
  function sharedCache() {
    const store = new Map<string, unknown>();
    const gets: string[] = [];
    const cache = mockServices.cache.mock({
      get: async (k: string) => {
        gets.push(k);
        return structuredClone(store.get(k));
      },
      set: async (k: string, v: unknown) => {
        store.set(k, structuredClone(v));
      },
      delete: async (k: string) => {
        store.delete(k);
      },
    } as any);
    return { cache, gets };
  }

  it('answers before the view is written to the shared cache, and a failed write costs nothing', async () => {
    let release: () => void = () => {};
    const sets: string[] = [];
    const logger = mockServices.logger.mock();
    const cache = mockServices.cache.mock({
      get: async () => undefined,
      set: (k: string) => {
        sets.push(k);
        // the first write hangs until released, then fails
        return new Promise((_, reject) => {
          release = () => reject(new Error('cache down'));
        });
      },
      delete: async () => {},
    } as any);
    let reads = 0;
    const svc = new StatusService(
      {
        live: {
          has: async () => true,
          read: async () => ({
            status: { fetchedAt: `t${++reads}` } as any,
            hosts: [],
          }),
        },
      },
      cache,
      logger,
    );
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    expect(sets).toEqual([]);
    await flush();
    expect(sets).toEqual(['view:live:prod']);
    release();
    await flush();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('cache down'),
    );
    // this replica's own copy still serves the next read
    expect((await svc.view(prod)).status.fetchedAt).toBe('t1');
    expect(reads).toBe(1);
  });

  it('does not share a view invalidated before it was written', async () => {
    const sets: string[] = [];
    const cache = mockServices.cache.mock({
      get: async () => undefined,
      set: async (k: string) => {
        sets.push(k);
      },
      delete: async () => {},
    } as any);
    const svc = new StatusService(
      {
        live: {
          has: async () => true,
          read: async () => ({ status: { fetchedAt: 't1' } as any, hosts: [] }),
        },
      },
      cache,
      mockServices.logger.mock(),
    );
    await svc.view(prod);
    await svc.invalidate(prod);
    await flush();
    await flush();
    expect(sets).toEqual([]);
  });

  it("takes another replica's newer view, and reads no whole view from the cache while its own is as new", async () => {
    let clock = 1_000_000;
    const { cache, gets } = sharedCache();
    let reads = 0;
    const source: CloudSource = {
      has: async c => c === 'prod',
      read: async () => ({
        status: { fetchedAt: `t${++reads}` } as any,
        hosts: [],
      }),
    };
    const replica = () =>
      new StatusService(
        { live: source },
        cache,
        mockServices.logger.mock(),
        10_000,
        60_000,
        () => clock,
      );
    const a = replica();
    const b = replica();
    expect((await a.view(prod)).status.fetchedAt).toBe('t1');
    // a shares its view after answering
    await flush();
    await flush();
    // b has no copy: it takes a's from the shared cache, without reading upstream
    expect((await b.view(prod)).status.fetchedAt).toBe('t1');
    expect(reads).toBe(1);

    // both copies stale: b refreshes in the background; a then sees a newer stamp and takes it
    clock += 20_000;
    expect((await b.view(prod)).status.fetchedAt).toBe('t1');
    await flush();
    expect(reads).toBe(2);
    await flush();
    await flush();
    gets.length = 0;
    expect((await a.view(prod)).status.fetchedAt).toBe('t2');
    expect(gets).toEqual(['view:live:prod:readAt', 'view:live:prod']);

    // b's copy is as new as the shared one: stale reads check only the stamp
    clock += 11_000;
    gets.length = 0;
    await b.view(prod);
    await flush();
    expect(gets).toEqual(['view:live:prod:readAt']);
  });
});
