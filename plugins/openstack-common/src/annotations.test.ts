import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_NAMESPACE,
  cloudKubernetesAnnotations,
  controlPlaneLabelSelector,
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
} from './annotations';
import { CHART_ORDER } from './charts/charts';
import { chartWorkloads } from './charts/workloads';
import { CONTROL_PLANE_APPLICATIONS, controlPlaneServiceOf } from './status/assemble';

describe('entity type predicates', () => {
  const resource = (type: string) => ({
    kind: 'Resource',
    metadata: {},
    spec: { type },
  });

  it('recognises a cloud Resource and only that', () => {
    expect(isOpenStackCloudEntity(resource('openstack-cloud'))).toBe(true);
    expect(isOpenStackCloudEntity(resource('openstack-compute-host'))).toBe(
      false,
    );
    expect(
      isOpenStackCloudEntity({
        kind: 'Component',
        metadata: {},
        spec: { type: 'openstack-cloud' },
      }),
    ).toBe(false);
  });

  it('recognises a compute-host Resource, whatever the kind casing', () => {
    expect(
      isOpenStackComputeHostEntity({
        kind: 'resource',
        metadata: {},
        spec: { type: 'openstack-compute-host' },
      }),
    ).toBe(true);
    expect(isOpenStackComputeHostEntity(resource('database'))).toBe(false);
  });
});

describe("the Kubernetes plugin's annotations of a cloud", () => {
  const ALL =
    'application in (keystone,glance,placement,nova,neutron,cinder,horizon,mariadb,rabbitmq,memcached,ovn,openvswitch)';

  /** Kubernetes' meaning of a selector `key in (v1,v2,…)`: the label is set to one of the values. */
  function matches(selector: string, labels: Record<string, string>): boolean {
    const m = /^([a-z0-9./_-]+) in \(([^()]*)\)$/.exec(selector);
    if (!m) throw new Error(`not a set-based "in" selector: ${selector}`);
    const value = labels[m[1]];
    return value !== undefined && m[2].split(',').includes(value);
  }

  it("selects openstack-helm's control-plane applications and only those", () => {
    expect(controlPlaneLabelSelector()).toBe(ALL);
    expect(controlPlaneLabelSelector(['keystone', 'nova', 'keystone'])).toBe(
      'application in (keystone,nova)',
    );
    expect(() => controlPlaneLabelSelector([])).toThrow(/at least one application/);
  });

  it('agrees with the status model: an object is selected exactly when its application is a control-plane service', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...CONTROL_PLANE_APPLICATIONS, 'libvirt', 'ingress', 'prometheus-mysql-exporter'),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        ),
        fc.option(fc.constantFrom('api', 'server', 'conductor')),
        (application, component) => {
          const labels: Record<string, string> = { application };
          if (component) labels.component = component;
          expect(matches(controlPlaneLabelSelector(), labels)).toBe(
            controlPlaneServiceOf(application) !== undefined,
          );
        },
      ),
    );
    // an object without the label (e.g. something else in the namespace) is never selected
    expect(matches(controlPlaneLabelSelector(), { app: 'keystone' })).toBe(false);
  });

  it("selects every chart's workloads: each chart labels them application: <chart>", () => {
    for (const chart of CHART_ORDER) {
      for (const w of chartWorkloads(chart)) {
        expect({ chart, workload: w.name, selected: matches(controlPlaneLabelSelector(), { application: chart, component: w.component }) })
          .toEqual({ chart, workload: w.name, selected: true });
      }
    }
  });

  it('names the cluster, the namespace and the selector', () => {
    expect(cloudKubernetesAnnotations({ cluster: 'prod-eu', namespace: 'openstack' })).toEqual({
      'backstage.io/kubernetes-cluster': 'prod-eu',
      'backstage.io/kubernetes-namespace': 'openstack',
      'backstage.io/kubernetes-label-selector': ALL,
    });
  });

  it.each([
    [{ cluster: 'prod-eu', namespace: 'OpenStack' }, /^namespace: "OpenStack" is not a Kubernetes namespace/],
    [{ cluster: 'prod-eu', namespace: `a${'b'.repeat(63)}` }, /^namespace: .* is not a Kubernetes namespace/],
    [{ cluster: 'prod-eu', namespace: '' }, /^namespace: "" is not a Kubernetes namespace/],
    [{ cluster: ' ', namespace: 'openstack' }, /^cluster: give the Kubernetes cluster/],
  ])('refuses %j with an InputError naming the field', (input, message) => {
    expect(() => cloudKubernetesAnnotations(input)).toThrow(InputError);
    expect(() => cloudKubernetesAnnotations(input)).toThrow(message);
  });

  it('the demo cloud of examples/ carries them, for its cluster and namespace', () => {
    const file = path.resolve(__dirname, '../../../examples/demo-cloud.yaml');
    const entity = parse(fs.readFileSync(file, 'utf8'));
    const annotations: Record<string, string> = entity.metadata.annotations;
    const expected = cloudKubernetesAnnotations({
      cluster: annotations[ANNOTATION_OPENSTACK_CLUSTER],
      namespace: annotations[ANNOTATION_OPENSTACK_NAMESPACE],
    });
    expect(annotations).toEqual(expect.objectContaining(expected));
    expect(annotations['backstage.io/kubernetes-id']).toBeUndefined();
  });
});
