import fc from 'fast-check';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2';
import {
  HelmRepository,
  OCIRepository,
} from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { CHART_ORDER } from '../charts/charts';
import { DEPLOYABLE_RELEASES } from '../releases/catalog';
import {
  CloudSpec,
  CloudSpecInput,
  OPENSTACK_HELM_REPOSITORY,
  parseCloudSpec,
  validateCloudSpec,
} from '../spec/cloudSpec';
import { OPENSTACK_COMPONENTS } from '../spec/components';
import { KubernetesObject } from './objects';
import { renderCloud } from './renderCloud';
import { argocdCredentialParameters, parkedApplication } from './argocd';

const base: CloudSpecInput = {
  name: 'edge-1',
  release: '2025.2',
  publicDomain: 'edge-1.cloud.example.org',
  storage: {
    backend: 'ceph-rbd',
    monitors: ['10.0.0.11:6789'],
    secretName: 'ceph-client',
  },
  delivery: { mode: 'flux' },
};
const spec = (change: Partial<CloudSpecInput> = {}) =>
  parseCloudSpec({ ...base, ...change });
/** The source an action resolves the default chart source name to (app-config's openstack-helm). */
const HELM = { url: OPENSTACK_HELM_REPOSITORY };
const byKind = (objects: KubernetesObject[], kind: string) =>
  objects.filter(o => o.kind === kind);

/** Validates a rendered object with its kubernetes-models class (throws on a schema error). */
function validate(o: KubernetesObject) {
  const models: Record<string, new (d: any) => { validate(): void }> = {
    HelmRelease,
    HelmRepository,
    OCIRepository,
    Application,
  };
  const M = models[o.kind];
  if (M) new M(o).validate();
  return true;
}

describe('renderCloud with Flux', () => {
  const r = renderCloud(spec({ tlsIssuer: 'letsencrypt' }), HELM);

  it('renders a Namespace, one HelmRepository and a HelmRelease per chart, in order', () => {
    expect(r.objects[0]).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'edge-1' },
    });
    expect(byKind(r.objects, 'HelmRepository')).toEqual([
      expect.objectContaining({
        spec: {
          interval: '1h',
          url: 'https://tarballs.opendev.org/openstack/openstack-helm/',
        },
      }),
    ]);
    expect(byKind(r.objects, 'HelmRelease').map(o => o.metadata.name)).toEqual(
      CHART_ORDER.map(c => `edge-1-${c}`),
    );
    expect(r.files.map(f => f.path)).toContain('flux/nova-helmrelease.yaml');
  });

  it('chains dependsOn: infrastructure first, then each service after the one before', () => {
    const deps = Object.fromEntries(
      byKind(r.objects, 'HelmRelease').map(o => [
        o.metadata.name,
        ((o.spec as any).dependsOn ?? []).map((d: any) => d.name),
      ]),
    );
    expect(deps['edge-1-mariadb']).toEqual([]);
    expect(deps['edge-1-keystone']).toEqual([
      'edge-1-mariadb',
      'edge-1-rabbitmq',
      'edge-1-memcached',
    ]);
    expect(deps['edge-1-placement']).toEqual([
      'edge-1-mariadb',
      'edge-1-rabbitmq',
      'edge-1-memcached',
      'edge-1-glance',
    ]);
    expect(deps['edge-1-neutron']).toContain('edge-1-ovn');
    expect(deps['edge-1-horizon']).toContain('edge-1-cinder');
  });

  it('sets the release images, public endpoints, replicas, node selectors, OVN and storage settings', () => {
    const values = (chart: string) =>
      (
        byKind(r.objects, 'HelmRelease').find(
          o => o.metadata.name === `edge-1-${chart}`,
        )!.spec as any
      ).values;
    expect(values('nova').images.tags.nova_api).toBe(
      'quay.io/airshipit/nova:2025.2-ubuntu_noble',
    );
    expect(
      values('keystone').endpoints.identity.host_fqdn_override.public.host,
    ).toBe('keystone.edge-1.cloud.example.org');
    expect(values('keystone').endpoints.identity.scheme.public).toBe('https');
    expect(values('keystone').pod.replicas.api).toBe(2);
    expect(values('mariadb').pod.replicas.server).toBe(3);
    expect(values('glance').labels.api).toEqual({
      node_selector_key: 'openstack-control-plane',
      node_selector_value: 'enabled',
    });
    expect(values('neutron').network.backend).toEqual(['ovn']);
    expect(values('neutron').conf.plugins.ml2_conf.ml2.mechanism_drivers).toBe(
      'ovn',
    );
    expect(values('nova').manifests.daemonset_compute).toBe(false);
    expect(values('cinder').conf.backends.rbd1).toMatchObject({
      rbd_pool: 'volumes',
      rbd_user: 'cinder',
    });
    expect(values('cinder').ceph_client.user_secret_name).toBe('ceph-client');
  });

  it('backs glance by the spec storage and puts every volume on the spec storage classes', () => {
    const valuesOf = (s: CloudSpec, chart: string) =>
      (
        byKind(renderCloud(s, HELM).objects, 'HelmRelease').find(
          o => o.metadata.name === `${s.name}-${chart}`,
        )!.spec as any
      ).values;
    // Ceph: glance on RBD with the spec's client, its Secret and ceph.conf ConfigMap; no pool setup
    const ceph = spec();
    expect(valuesOf(ceph, 'glance')).toMatchObject({
      storage: 'rbd',
      ceph_client: { configmap: 'ceph-etc', user_secret_name: 'ceph-client' },
      secrets: { rbd: 'ceph-client' },
      conf: {
        ceph: { monitors: ['10.0.0.11:6789'] },
        glance: { rbd: { rbd_store_pool: 'images', rbd_store_user: 'cinder' } },
      },
      manifests: { job_storage_init: false },
    });
    expect(valuesOf(ceph, 'cinder')).toMatchObject({
      secrets: { rbd: { volume: 'ceph-client' } },
      manifests: { job_storage_init: false },
    });
    // no Ceph: a claim of the glance class, shared by the API replicas; never swift
    const lvm = spec({
      storage: { backend: 'lvm' },
      storageClasses: { default: 'local-path', glance: 'cephfs' },
    });
    expect(valuesOf(lvm, 'glance')).toMatchObject({
      storage: 'pvc',
      volume: { class_name: 'cephfs', accessModes: ['ReadWriteMany'] },
      volume_staging: { class_name: 'cephfs' },
    });
    expect(
      valuesOf(spec({ storage: { backend: 'lvm' }, apiReplicas: 1 }), 'glance')
        .volume,
    ).toEqual({ class_name: 'general', accessModes: ['ReadWriteOnce'] });
    expect(valuesOf(lvm, 'mariadb').volume).toEqual({
      class_name: 'local-path',
      backup: { class_name: 'local-path' },
    });
    expect(valuesOf(lvm, 'rabbitmq').volume.class_name).toBe('local-path');
    expect(valuesOf(lvm, 'ovn').volume.ovn_ovsdb_nb.class_name).toBe(
      'local-path',
    );
    // nova-compute runs outside the cluster: cell setup waits for no compute pod
    expect(valuesOf(lvm, 'nova').dependencies.static.cell_setup.pod).toEqual(
      [],
    );
    expect(
      validateCloudSpec({
        ...base,
        storageClasses: { default: 'Bad_Class' },
      }).issues.map(i => i.path),
    ).toEqual(['spec.storageClasses.default']);
  });

  it('brings credentials in through valuesFrom Secrets with targetPath, and lists them without values', () => {
    const keystone = byKind(r.objects, 'HelmRelease').find(
      o => o.metadata.name === 'edge-1-keystone',
    )!;
    expect((keystone.spec as any).valuesFrom).toContainEqual({
      kind: 'Secret',
      name: 'edge-1-keystone-admin',
      valuesKey: 'password',
      targetPath: 'endpoints.identity.auth.admin.password',
    });
    const admin = r.requiredSecrets.find(
      s => s.name === 'edge-1-keystone-admin',
    )!;
    expect(admin).toMatchObject({ namespace: 'edge-1', keys: ['password'] });
    expect(admin.usedBy).toContain(
      'nova: endpoints.identity.auth.admin.password',
    );
    expect(Object.keys(admin).sort()).toEqual([
      'keys',
      'name',
      'namespace',
      'usedBy',
    ]);
  });

  it('renders an Ingress per public API with the cert-manager issuer', () => {
    const ingresses = byKind(r.objects, 'Ingress');
    expect(ingresses.map(i => (i.spec as any).rules[0].host)).toContain(
      'nova.edge-1.cloud.example.org',
    );
    expect(ingresses[0].metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
  });

  it('produces objects the Flux models accept (and the models do reject a broken one)', () => {
    expect(r.objects.every(validate)).toBe(true);
    const broken = {
      ...byKind(r.objects, 'HelmRelease')[0],
      spec: { interval: 10 },
    } as unknown as KubernetesObject;
    expect(() => validate(broken)).toThrow();
  });
});

describe('renderCloud with other sources and deliveries', () => {
  it('uses one OCIRepository per chart and chartRef for an oci:// source', () => {
    const r = renderCloud(spec(), {
      url: 'oci://registry.example.org/openstack-helm',
    });
    expect(byKind(r.objects, 'HelmRepository')).toEqual([]);
    const oci = byKind(r.objects, 'OCIRepository').find(
      o => o.metadata.name === 'edge-1-nova',
    )!;
    expect(oci.spec).toMatchObject({
      url: 'oci://registry.example.org/openstack-helm/nova',
      ref: { tag: '2026.1.0' },
    });
    const hr = byKind(r.objects, 'HelmRelease').find(
      o => o.metadata.name === 'edge-1-nova',
    )!;
    expect((hr.spec as any).chartRef).toEqual({
      kind: 'OCIRepository',
      name: 'edge-1-nova',
    });
    expect(r.objects.every(validate)).toBe(true);
  });

  const GITOPS = 'https://git.example.org/platform/gitops.git';

  it('renders an app-of-apps: the parent on the GitOps repository, the children in the planner\'s waves, no credential', () => {
    const r = renderCloud(
      spec({ delivery: { mode: 'argocd', namespace: 'openstack', repoUrl: GITOPS, revision: 'main' } }), HELM,
    );
    const apps = byKind(r.objects, 'Application');
    const [parent, ...children] = apps;
    expect(parent.metadata).toMatchObject({ name: 'edge-1-apps', namespace: 'argocd' });
    expect((parent.spec as any).source).toEqual({
      repoURL: GITOPS,
      path: 'clusters/openstack/openstack/apps',
      targetRevision: 'main',
    });
    expect((parent.spec as any).syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    expect((parent.spec as any).ignoreDifferences).toEqual([
      { group: 'argoproj.io', kind: 'Application', jsonPointers: ['/spec/source/helm/parameters'] },
    ]);
    expect(children.map(a => a.metadata.name)).toEqual(CHART_ORDER.map(c => `edge-1-${c}`));
    expect(
      children.map(a => a.metadata.annotations!['argocd.argoproj.io/sync-wave']),
    ).toEqual(CHART_ORDER.map((_, i) => String(i)));
    expect(children.every(a => a.metadata.annotations!['argocd.argoproj.io/skip-reconcile'] === 'false')).toBe(true);
    // the endpoints after the last chart, the Namespace before the first
    expect(byKind(r.objects, 'Ingress').map(o => o.metadata.annotations!['argocd.argoproj.io/sync-wave'])).toEqual(
      byKind(r.objects, 'Ingress').map(() => String(CHART_ORDER.length)),
    );
    expect(byKind(r.objects, 'Namespace')[0].metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect((children[0].spec as any).destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'openstack',
    });
    const keystone = children.find(a => a.metadata.name === 'edge-1-keystone')!;
    const source = (keystone.spec as any).source;
    expect(source.helm.releaseName).toBe('keystone');
    expect(source.helm.parameters).toBeUndefined();
    expect(source.helm.valuesObject.endpoints.identity.auth.admin.password).toBeUndefined();
    expect(r.files.map(f => f.path)).toEqual(
      expect.arrayContaining(['argocd/edge-1-apps-application.yaml', 'argocd/apps/keystone-application.yaml', 'argocd/apps/namespace.yaml']),
    );
    expect(r.objects.every(validate)).toBe(true);
  });

  it('the waves of a cloud with fewer charts are consecutive, in the planner\'s order', () => {
    const r = renderCloud(
      spec({ components: ['keystone'], storage: undefined, delivery: { mode: 'argocd', repoUrl: GITOPS } }), HELM,
    );
    const children = byKind(r.objects, 'Application').slice(1);
    expect(children.map(a => [a.metadata.name, a.metadata.annotations!['argocd.argoproj.io/sync-wave']])).toEqual([
      ['edge-1-mariadb', '0'],
      ['edge-1-rabbitmq', '1'],
      ['edge-1-memcached', '2'],
      ['edge-1-keystone', '3'],
    ]);
    expect((byKind(r.objects, 'Application')[0].spec as any).source.targetRevision).toBe('HEAD');
  });

  it('parks a child with its credentials as Helm parameters (live only) and refuses values --set-string would alter', () => {
    const s = spec({ delivery: { mode: 'argocd', repoUrl: GITOPS } });
    const r = renderCloud(s, HELM);
    const keystone = byKind(r.objects, 'Application').find(a => a.metadata.name === 'edge-1-keystone')!;
    const params = argocdCredentialParameters(s, 'keystone', (secret, key) => `v-${secret}-${key}`);
    expect(params).toContainEqual({
      name: 'endpoints.identity.auth.admin.password',
      value: 'v-edge-1-keystone-admin-password',
      forceString: true,
    });
    const parked = parkedApplication(keystone, params);
    expect(parked.metadata.annotations!['argocd.argoproj.io/skip-reconcile']).toBe('true');
    expect((parked.spec as any).source.helm.parameters).toEqual(params);
    expect((keystone.spec as any).source.helm.parameters).toBeUndefined();
    expect(validate(parked)).toBe(true);
    expect(() => argocdCredentialParameters(s, 'keystone', () => 'a\\b')).toThrow(/backslash or a line break/);
  });

  it('takes only an https://, ssh:// or git:// GitOps repository without credentials', () => {
    const issue = (repoUrl: string) =>
      validateCloudSpec({ ...base, delivery: { mode: 'argocd', repoUrl } }).issues.find(
        i => i.path === 'spec.delivery.repoUrl',
      )?.message;
    for (const ok of [GITOPS, 'ssh://git@git.example.org/platform/gitops.git', 'git://127.0.0.1:9418/gitops.git'])
      expect(issue(ok)).toBeUndefined();
    expect(issue('file:///etc/passwd')).toMatch(/is not an https:\/\/, ssh:\/\/ or git:\/\/ URL/);
    expect(issue('http://git.example.org/x.git')).toMatch(/is not an https/);
    expect(issue('https://user:tok@git.example.org/x.git')).toMatch(/carries a password/);
    expect(issue('https://ghp_token@git.example.org/x.git')).toMatch(/carries a user or token/);
    expect(issue('https://git.example.org/x.git?access_token=1')).toMatch(/query or fragment/);
    expect(validateCloudSpec({ ...base, delivery: { mode: 'argocd' } }).issues.map(i => i.path)).toContain(
      'spec.delivery.repoUrl',
    );
    expect(
      validateCloudSpec({ ...base, delivery: { mode: 'argocd', repoUrl: GITOPS, revision: '../x' } }).issues.map(i => i.path),
    ).toContain('spec.delivery.revision');
  });

  it('never puts a password or token of a GitOps URL anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('https', 'ssh', 'git'),
        fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
        fc.stringMatching(/^[A-Za-z0-9]{8,24}$/),
        (scheme, user, secret) => {
          const { spec: parsed } = validateCloudSpec({
            ...base,
            delivery: { mode: 'argocd', repoUrl: `${scheme}://${user}:${secret}@git.example.org/x.git` },
          });
          return parsed === undefined;
        },
      ),
      { numRuns: 50 },
    );
  });

  it('renders Flux objects under direct/ for a direct apply, and HTTPRoutes for Gateway API', () => {
    const r = renderCloud(
      spec({
        delivery: { mode: 'direct', cluster: 'prod', namespace: 'openstack' },
        exposure: 'gateway-api',
        gateway: { name: 'public', namespace: 'gw' },
      }), HELM,
    );
    expect(r.files.every(f => f.path.startsWith('direct/'))).toBe(true);
    const route = byKind(r.objects, 'HTTPRoute').find(
      o => o.metadata.name === 'edge-1-keystone',
    )!;
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gw' }],
      hostnames: ['keystone.edge-1.cloud.example.org'],
      rules: [{ backendRefs: [{ name: 'keystone-api', port: 5000 }] }],
    });
  });

  it('omits the charts of components the cloud does not have', () => {
    const r = renderCloud(
      spec({ components: ['keystone', 'horizon'], storage: undefined }), HELM,
    );
    expect(byKind(r.objects, 'HelmRelease').map(o => o.metadata.name)).toEqual([
      'edge-1-mariadb',
      'edge-1-rabbitmq',
      'edge-1-memcached',
      'edge-1-keystone',
      'edge-1-horizon',
    ]);
    expect(r.requiredSecrets.map(s => s.name)).not.toContain('edge-1-nova-db');
  });
});

/** Random valid specs across every option of the schema. */
const specArb: fc.Arbitrary<CloudSpec> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    release: fc.constantFrom(...DEPLOYABLE_RELEASES),
    region: fc.constantFrom('RegionOne', 'eu-west-2'),
    apiReplicas: fc.integer({ min: 1, max: 5 }),
    storage: fc.constantFrom<any>(
      { backend: 'lvm' },
      { backend: 'nfs', shares: ['nfs01:/srv/a', 'nfs02:/srv/b'] },
      {
        backend: 'ceph-rbd',
        monitors: ['10.0.0.1:6789', 'mon2'],
        secretName: 'ceph-key',
      },
    ),
    delivery: fc.constantFrom<any>(
      { mode: 'flux' },
      { mode: 'argocd', repoUrl: 'https://git.example.org/gitops.git' },
      { mode: 'argocd', repoUrl: 'ssh://git@git.example.org/gitops.git', revision: 'release/1' },
      { mode: 'direct', cluster: 'c1', namespace: 'os' },
    ),
    exposure: fc.constantFrom<any>(
      { exposure: 'ingress' },
      { exposure: 'gateway-api', gateway: { name: 'gw' } },
    ),
    tlsIssuer: fc.constantFrom(undefined, 'letsencrypt'),
  })
  .map(({ exposure, ...r }) =>
    parseCloudSpec({
      ...r,
      ...exposure,
      publicDomain: 'c.example.org',
    }),
  );

/** The chart sources an action may resolve a spec's name to: a Helm repository or an OCI registry. */
const sourceArb = fc.constantFrom(HELM, { url: 'oci://r.example.org/osh' });

describe('renderCloud properties', () => {
  it('is deterministic: the same spec gives byte-identical files', () => {
    fc.assert(
      fc.property(specArb, sourceArb, (s, source) => {
        const a = renderCloud(s, source);
        const b = renderCloud(JSON.parse(JSON.stringify(s)), source);
        return JSON.stringify(a.files) === JSON.stringify(b.files);
      }),
      { numRuns: 40 },
    );
  });

  it('Argo CD: one parent on the spec\'s repository, every chart a child in its wave in the planner\'s order, no credential in Git', () => {
    fc.assert(
      fc.property(specArb, sourceArb, fc.subarray([...OPENSTACK_COMPONENTS], { minLength: 1 }), (s0, source, comps) => {
        const { spec: s } = validateCloudSpec({
          ...JSON.parse(JSON.stringify(s0)),
          components: [...new Set(['keystone', ...comps])],
          storage: undefined,
        });
        if (!s || s.delivery.mode !== 'argocd') return true;
        const r = renderCloud(s, source);
        const apps = byKind(r.objects, 'Application');
        const parents = apps.filter(a => !a.metadata.labels?.['openstack.backstage.io/chart']);
        const children = apps.filter(a => a.metadata.labels?.['openstack.backstage.io/chart']);
        const order = CHART_ORDER.filter(c => children.some(a => a.metadata.labels!['openstack.backstage.io/chart'] === c));
        return (
          parents.length === 1 &&
          (parents[0].spec as any).source.repoURL === s.delivery.repoUrl &&
          (parents[0].spec as any).source.targetRevision === s.delivery.revision &&
          children.every(
            a =>
              a.metadata.annotations!['argocd.argoproj.io/sync-wave'] ===
                String(order.indexOf(a.metadata.labels!['openstack.backstage.io/chart'] as any)) &&
              (a.spec as any).source.helm.parameters === undefined,
          ) &&
          r.files.every(f => f.path.startsWith('argocd/apps/') || f.path === `argocd/${s.name}-apps-application.yaml`) &&
          !r.files.some(f => /password:|<path:/.test(f.content))
        );
      }),
      { numRuns: 40 },
    );
  });

  it('emits only objects the models accept', () => {
    fc.assert(
      fc.property(specArb, sourceArb, (s, source) =>
        renderCloud(s, source).objects.every(validate),
      ),
      { numRuns: 25 },
    );
  });

  const secretish = fc
    .stringMatching(/^[A-Za-z0-9+/_!#%-]{16,32}$/)
    .map(s => `Zq${s}`);
  const credentialKeys = [
    'password',
    'adminPassword',
    'cephKey',
    'token',
    'secret',
    'keyring',
    'rabbitmqPassword',
  ];
  const places = [
    '',
    'infrastructure',
    'storage',
    'delivery',
    'chartSource',
    'networking',
    'nodeSelector',
  ];

  it('never renders a secret value the spec could carry', () => {
    fc.assert(
      fc.property(
        specArb,
        secretish,
        fc.constantFrom(...credentialKeys),
        fc.constantFrom(...places),
        (s, value, key, place) => {
          // 1. typed into the spec input, anywhere: the strict schema refuses it and names it a credential
          const input: any = JSON.parse(JSON.stringify(s));
          (place ? input[place] : input)[key] = value;
          const { spec: parsed, issues } = validateCloudSpec(input);
          const refused =
            parsed === undefined &&
            issues.some(
              i => i.path === ['spec', place, key].filter(Boolean).join('.'),
            );
          // 2. smuggled past the schema onto a spec object: the renderer picks fields, never spreads them
          const rendered = renderCloud(input as CloudSpec, HELM);
          const leaked =
            rendered.files.some(f => f.content.includes(value)) ||
            JSON.stringify(rendered.requiredSecrets).includes(value);
          return refused && !leaked;
        },
      ),
      { numRuns: 60 },
    );
  });
});
