/*
 * The dependency closure of a cloud rendered through the real charts: every dependency the
 * charts' own pods declare for kubernetes-entrypoint, and every object their pod templates name,
 * must resolve to an object of the same rendered cloud, or to something outside it that the
 * cloud spec names (a storage class, the Ceph client key Secret and ceph.conf ConfigMap).
 *
 * kubernetes-entrypoint (the charts' `init` container, helm-toolkit's
 * `kubernetes_entrypoint_init_container` snippet) waits on:
 * - `DEPENDENCY_SERVICE` `ns:name,…`: a Service with ready endpoints;
 * - `DEPENDENCY_JOBS` `name,…` / `DEPENDENCY_JOBS_JSON` `[{name}|{labels}]`: completed Jobs of
 *   the pod's namespace;
 * - `DEPENDENCY_DAEMONSET` `name,…`: a ready pod of that DaemonSet on the same node;
 * - `DEPENDENCY_CONTAINER` `name,…`: a container of the same pod;
 * - `DEPENDENCY_POD_JSON` `[{labels, requireSameNode}]`: a ready pod with those labels;
 * - `DEPENDENCY_CUSTOM_RESOURCE` `[{apiVersion, kind, namespace, name}]`: that object.
 * Besides, a pod cannot start without the Secrets, ConfigMaps, PersistentVolumeClaims and
 * ServiceAccount it names (unless marked optional), and a claim binds only with a StorageClass
 * the cluster offers.
 */
import type { KubernetesObject } from '@backstage-openstack/plugin-openstack-common';

/** What lies outside the rendered cloud and the spec names. */
export interface ExternalNames {
  storageClasses: string[];
  secrets: string[];
  configMaps: string[];
}

export interface ClosureResult {
  /** Dependencies checked, by kind (`service`, `job`, `secret`, `storageClass`, …). */
  checked: Record<string, number>;
  /** Of those, resolved to something outside the cloud that the spec names. */
  external: number;
  /** `<pod template>: <kind> <name>`, one per dependency that resolves to nothing. */
  unresolved: string[];
}

type Obj = KubernetesObject & { [k: string]: any };

interface PodTemplate {
  where: string;
  namespace: string;
  labels: Record<string, string>;
  spec: any;
}

function podTemplates(o: Obj, defaultNs: string): PodTemplate[] {
  const ns = o.metadata.namespace ?? defaultNs;
  const where = `${o.kind} ${ns}/${o.metadata.name}`;
  const t = (tpl: any): PodTemplate[] =>
    tpl?.spec
      ? [
          {
            where,
            namespace: ns,
            labels: tpl.metadata?.labels ?? {},
            spec: tpl.spec,
          },
        ]
      : [];
  switch (o.kind) {
    case 'Pod':
      return t(o);
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return t(o.spec?.template);
    case 'CronJob':
      return t(o.spec?.jobTemplate?.spec?.template);
    default:
      return [];
  }
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

const matches = (
  labels: Record<string, string>,
  want: Record<string, string>,
) => Object.entries(want).every(([k, v]) => labels[k] === v);

/**
 * Checks the closure of `objects` (every object helm rendered for one cloud, plus the suite's own
 * objects), `defaultNs` being the namespace the charts were rendered into.
 */
export function dependencyClosure(
  objects: KubernetesObject[],
  defaultNs: string,
  external: ExternalNames,
): ClosureResult {
  const objs = objects as Obj[];
  const nsOf = (o: Obj) => o.metadata.namespace ?? defaultNs;
  const index = new Set(
    objs.map(o => `${o.kind}/${nsOf(o)}/${o.metadata.name}`),
  );
  const has = (kind: string, ns: string, name: string) =>
    index.has(`${kind}/${ns}/${name}`);
  const templates = objs.flatMap(o => podTemplates(o, defaultNs));
  const jobs = objs.filter(o => o.kind === 'Job');
  const result: ClosureResult = { checked: {}, external: 0, unresolved: [] };
  const check = (
    kind: string,
    where: string,
    what: string,
    inCloud: boolean,
    outside = false,
  ) => {
    result.checked[kind] = (result.checked[kind] ?? 0) + 1;
    if (inCloud) return;
    if (outside) result.external += 1;
    else result.unresolved.push(`${where}: ${kind} ${what}`);
  };

  for (const p of templates) {
    const containers = [
      ...(p.spec.initContainers ?? []),
      ...(p.spec.containers ?? []),
    ];
    const names = new Set(containers.map((c: any) => c.name));
    for (const c of containers) {
      const env: Record<string, string> = Object.fromEntries(
        (c.env ?? [])
          .filter((e: any) => typeof e.value === 'string')
          .map((e: any) => [e.name, e.value]),
      );
      for (const s of list(env.DEPENDENCY_SERVICE)) {
        const [ns, name] = s.includes(':') ? s.split(':') : [p.namespace, s];
        check('service', p.where, `${ns}/${name}`, has('Service', ns, name));
      }
      for (const j of list(env.DEPENDENCY_JOBS))
        check('job', p.where, j, has('Job', p.namespace, j));
      if (env.DEPENDENCY_JOBS_JSON)
        for (const j of JSON.parse(env.DEPENDENCY_JOBS_JSON) as any[])
          check(
            'job',
            p.where,
            JSON.stringify(j),
            jobs.some(
              o =>
                nsOf(o) === p.namespace &&
                (j.name
                  ? o.metadata.name === j.name
                  : matches(o.metadata.labels ?? {}, j.labels ?? {})),
            ),
          );
      for (const d of list(env.DEPENDENCY_DAEMONSET))
        check('daemonset', p.where, d, has('DaemonSet', p.namespace, d));
      for (const d of list(env.DEPENDENCY_CONTAINER))
        check('container', p.where, d, names.has(d));
      if (env.DEPENDENCY_POD_JSON)
        for (const d of JSON.parse(env.DEPENDENCY_POD_JSON) as any[])
          check(
            'pod',
            p.where,
            JSON.stringify(d.labels),
            templates.some(
              t =>
                t.namespace === p.namespace &&
                matches(t.labels, d.labels ?? {}),
            ),
          );
      if (env.DEPENDENCY_CUSTOM_RESOURCE)
        for (const r of JSON.parse(env.DEPENDENCY_CUSTOM_RESOURCE) as any[])
          check(
            'customResource',
            p.where,
            `${r.kind} ${r.namespace}/${r.name}`,
            objs.some(
              o =>
                o.kind === r.kind &&
                o.apiVersion === r.apiVersion &&
                nsOf(o) === (r.namespace ?? p.namespace) &&
                o.metadata.name === r.name,
            ),
          );
      // Secrets and ConfigMaps the containers' environment reads
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
        if (!ref || ref.optional) continue;
        const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
        refCheck(kind, p, ref.name);
      }
      for (const e of c.envFrom ?? []) {
        const ref = e.secretRef ?? e.configMapRef;
        if (!ref || ref.optional) continue;
        refCheck(e.secretRef ? 'Secret' : 'ConfigMap', p, ref.name);
      }
    }
    for (const v of p.spec.volumes ?? []) {
      if (v.secret && !v.secret.optional)
        refCheck('Secret', p, v.secret.secretName);
      if (v.configMap && !v.configMap.optional)
        refCheck('ConfigMap', p, v.configMap.name);
      if (v.persistentVolumeClaim)
        refCheck('PersistentVolumeClaim', p, v.persistentVolumeClaim.claimName);
      for (const s of v.projected?.sources ?? []) {
        if (s.secret && !s.secret.optional)
          refCheck('Secret', p, s.secret.name);
        if (s.configMap && !s.configMap.optional)
          refCheck('ConfigMap', p, s.configMap.name);
      }
    }
    const sa = p.spec.serviceAccountName;
    if (sa) refCheck('ServiceAccount', p, sa);
  }

  function refCheck(kind: string, p: PodTemplate, name: string) {
    check(
      kind.charAt(0).toLowerCase() + kind.slice(1),
      p.where,
      name,
      has(kind, p.namespace, name),
      (kind === 'Secret' && external.secrets.includes(name)) ||
        (kind === 'ConfigMap' && external.configMaps.includes(name)),
    );
  }

  // every claim (standalone or a StatefulSet's template) binds through a storage class the spec names
  const claims: Array<{ where: string; spec: any }> = [
    ...objs
      .filter(o => o.kind === 'PersistentVolumeClaim')
      .map(o => ({
        where: `PersistentVolumeClaim ${nsOf(o)}/${o.metadata.name}`,
        spec: o.spec,
      })),
    ...objs
      .filter(o => o.kind === 'StatefulSet')
      .flatMap(o =>
        (o.spec?.volumeClaimTemplates ?? []).map((t: any) => ({
          where: `StatefulSet ${nsOf(o)}/${o.metadata.name} claim ${
            t.metadata?.name
          }`,
          spec: t.spec,
        })),
      ),
  ];
  for (const c of claims) {
    const sc = c.spec?.storageClassName;
    result.checked.storageClass = (result.checked.storageClass ?? 0) + 1;
    if (sc && external.storageClasses.includes(sc)) result.external += 1;
    else
      result.unresolved.push(
        `${c.where}: storageClass ${
          sc ?? '(cluster default)'
        } is not one the spec names`,
      );
  }
  return result;
}
