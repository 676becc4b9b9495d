// An in-memory cluster with the API server's semantics the actions rely on (404 for a missing
// object, create-once, generation bumped by a changed spec, server-side apply replacing the
// applier's fields), plus a stand-in helm-controller that rolls a HelmRelease's workloads out
// when it reconciles it. Unit tests only; the integration tests use the real kube-apiserver.
import { ChartName, chartInfo, chartWorkloads } from '@backstage-openstack/plugin-openstack-common';
import { ClusterAccess, KubeRight, NamespaceOwnership, workloadReadiness } from '@backstage-openstack/plugin-openstack-node';

type Obj = { apiVersion: string; kind: string; metadata: any; spec?: any; status?: any; [k: string]: any };

const key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;

export class FakeCluster implements ClusterAccess {
  readonly name = 'fake';
  readonly url = 'https://fake.example:6443';
  namespaces = new Map<string, Record<string, string>>();
  secrets = new Map<string, Record<string, string>>();
  objects = new Map<string, Obj>();
  jobs = new Map<string, any>();
  /** Every write, in order: `namespace x`, `secret ns/name`, `apply Kind ns/name`. */
  writes: string[] = [];
  /** Make a matching write fail once, e.g. `apply HelmRelease ns/cloud-nova`; `after` lets that many pass first. */
  failOnce = new Map<string, Error | { error: Error; after: number }>();
  /** Reconcile HelmReleases right after they are applied (the helm-controller stand-in). */
  autoReconcile = true;
  /** Charts whose db-sync Job fails when reconciled. */
  failingDbSync = new Set<string>();
  /** Rights the credentials lack (SelfSubjectAccessReview says no), e.g. secrets in a namespace not onboarded. */
  lacks: (r: KubeRight) => boolean = () => false;
  /** Every right asked (`verb kind ns`). */
  reviewed: string[] = [];

  async missingRights(wanted: KubeRight[]): Promise<KubeRight[]> {
    this.reviewed.push(...wanted.map(r => `${r.verb} ${r.kind} ${r.namespace ?? r.name ?? ''}`));
    return wanted.filter(r => this.lacks(r));
  }

  private write(what: string) {
    const e = this.failOnce.get(what);
    if (e && !(e instanceof Error) && e.after > 0) {
      e.after--;
    } else if (e) {
      this.failOnce.delete(what);
      throw e instanceof Error ? e : e.error;
    }
    this.writes.push(what);
  }

  async version() {
    return 'v1.37.2';
  }

  async namespaceOwnership(namespace: string, cloud: string): Promise<NamespaceOwnership> {
    const labels = this.namespaces.get(namespace);
    if (!labels) return { state: 'free' };
    const owner = labels['openstack.backstage.io/cloud'];
    return owner === cloud ? { state: 'owned' } : { state: 'foreign', owner };
  }

  async ensureNamespace(namespace: string, labels: Record<string, string>) {
    if (this.namespaces.has(namespace)) return 'exists' as const;
    this.write(`namespace ${namespace}`);
    this.namespaces.set(namespace, labels);
    return 'created' as const;
  }

  async ensureSecret(s: { name: string; namespace: string; randomKeys?: string[]; existing?: 'keep' | 'add-missing-keys' }) {
    const keys = s.randomKeys ?? [];
    const k = `${s.namespace}/${s.name}`;
    const existing = this.secrets.get(k);
    if (existing) {
      const missing = s.existing === 'add-missing-keys' ? keys.filter(x => !(x in existing)) : [];
      if (missing.length) {
        this.write(`secret ${k} add ${missing.join(',')}`);
        for (const m of missing) existing[m] = `value-${Math.random().toString(36).slice(2)}`;
      }
      return { name: s.name, namespace: s.namespace, created: false, addedKeys: missing, labels: {} };
    }
    this.write(`secret ${k}`);
    this.secrets.set(k, Object.fromEntries(keys.map(x => [x, `value-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`])));
    return { name: s.name, namespace: s.namespace, created: true, addedKeys: [], labels: {} };
  }

  async apply<T>(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    const o = JSON.parse(JSON.stringify(obj)) as Obj;
    const ns = o.metadata.namespace;
    if (ns && !this.namespaces.has(ns)) throw Object.assign(new Error(`namespaces "${ns}" not found`), { code: 404 });
    if (opts.dryRun) return obj;
    this.write(`apply ${o.kind} ${ns ?? ''}/${o.metadata.name}`);
    const k = key(o.kind, ns, o.metadata.name);
    const prev = this.objects.get(k);
    let generation = 1;
    if (prev) generation = prev.metadata.generation + (JSON.stringify(prev.spec) === JSON.stringify(o.spec) ? 0 : 1);
    const next = { ...o, metadata: { ...o.metadata, uid: prev?.metadata.uid ?? `uid-${this.objects.size}`, generation }, status: prev?.status };
    this.objects.set(k, next);
    if (this.autoReconcile && o.kind === 'HelmRelease') this.reconcile(next);
    return next as T;
  }

  async read<T>(h: { kind: string; name: string; namespace?: string }): Promise<T | undefined> {
    if (h.kind === 'Secret') {
      const data = this.secrets.get(`${h.namespace}/${h.name}`);
      return data
        ? ({
            kind: 'Secret',
            metadata: { name: h.name, namespace: h.namespace },
            data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          } as T)
        : undefined;
    }
    const o = this.objects.get(key(h.kind, h.namespace, h.name));
    return o ? (JSON.parse(JSON.stringify(o)) as T) : undefined;
  }

  private workloadObjects(namespace: string) {
    return [...this.objects.values()].filter(o => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.namespace === namespace);
  }

  async listWorkloads(namespace: string, labelSelector: string): Promise<any[]> {
    const m = /application in \(([^)]*)\)/.exec(labelSelector);
    const apps = m ? m[1].split(',') : undefined;
    return this.workloadObjects(namespace)
      .filter(w => !apps || apps.includes(w.metadata.labels?.application))
      .map(w => JSON.parse(JSON.stringify(w)));
  }

  async listPods(): Promise<any[]> {
    return [];
  }

  async readJob(namespace: string, name: string) {
    const j = this.jobs.get(`${namespace}/${name}`);
    return j ? JSON.parse(JSON.stringify(j)) : undefined;
  }

  /** What helm-controller and the workload controllers would do: workloads, db-sync Job, Ready. */
  reconcile(hr: Obj) {
    const chart = hr.metadata.labels?.['openstack.backstage.io/chart'] as ChartName;
    const ns = hr.metadata.namespace;
    const tags = hr.spec?.values?.images?.tags ?? {};
    for (const w of chartWorkloads(chart)) {
      const k = key(w.kind, ns, w.name);
      const prev = this.objects.get(k);
      const generation = (prev?.metadata.generation ?? 0) + 1;
      this.objects.set(k, {
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata: { name: w.name, namespace: ns, generation, labels: { application: chart, component: w.component } },
        spec: { replicas: 1, template: { spec: { containers: [{ name: 'main', image: tags[w.imageKey] ?? `registry.invalid/${chart}` }] } } },
        status: { observedGeneration: generation, replicas: 1, readyReplicas: 1, updatedReplicas: 1 },
      });
    }
    if (chartInfo(chart).role === 'openstack') {
      const failed = this.failingDbSync.has(chart);
      this.jobs.set(`${ns}/${chart}-db-sync`, {
        metadata: { name: `${chart}-db-sync` },
        spec: { backoffLimit: 0, template: { spec: { containers: [{ image: tags[`${chart}_db_sync`] }] } } },
        status: failed ? { failed: 1 } : { succeeded: 1 },
      });
    }
    hr.status = {
      observedGeneration: hr.metadata.generation,
      conditions: [{ type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', observedGeneration: hr.metadata.generation }],
    };
  }

  /** Every workload of the namespace is rolled out (for assertions). */
  rolledOut(namespace: string) {
    return this.workloadObjects(namespace).every(w => workloadReadiness(w as any).ready);
  }

  /** Every Secret value, to look for leaks. */
  secretValues(): string[] {
    return [...this.secrets.values()].flatMap(s => Object.values(s));
  }
}
