/*
 * Conformance of the rendered values with the real openstack-helm charts: every key path the
 * renderer overrides exists in the chart's values.yaml, and the image tags of each release equal
 * the chart's own values_overrides/<chart>/<release>-ubuntu_noble.yaml. The charts are the ones
 * vendored in <repo>/third_party/openstack-helm (upstream commit and refresh: third_party/README.md);
 * a missing chart or file fails the test that needs it, naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CHARTS } from '../charts/charts';
import { CHART_CREDENTIALS } from '../charts/credentials';
import {
  chartsWithReleaseImages,
  ChartName,
  releaseImageTags,
} from '../charts/images';
import { DEPLOYABLE_RELEASES } from '../releases/catalog';
import { parseCloudSpec } from '../spec/cloudSpec';
import { chartValues, valuePaths } from './values';

const VENDORED = path.resolve(
  __dirname,
  '../../../..',
  'third_party/openstack-helm',
);

/** The vendored charts whose values and images the suite uses (helm-toolkit is their library). */
const VENDORED_CHARTS = [
  'mariadb',
  'rabbitmq',
  'memcached',
  'keystone',
  'glance',
  'placement',
  'nova',
  'ovn',
  'neutron',
  'cinder',
  'horizon',
  'libvirt',
  'openvswitch',
];

function file(...parts: string[]): string {
  const p = path.join(VENDORED, ...parts);
  if (!fs.existsSync(p))
    throw new Error(
      `${p} is missing: the vendored openstack-helm charts are incomplete (see third_party/README.md)`,
    );
  return p;
}

function load(chart: string, name: string): any {
  return parse(fs.readFileSync(file(chart, name), 'utf8'));
}

function overridePath(chart: string, release: string): string {
  return path.join(
    VENDORED,
    'values_overrides',
    chart,
    `${release}-ubuntu_noble.yaml`,
  );
}

/**
 * Maps the chart documents as open (keyed by names the operator chooses). A path under one of
 * them only needs the map itself to exist in values.yaml:
 * - endpoints.<e>.host_fqdn_override / .scheme: keyed by endpoint type (default, internal,
 *   public) and read by helm-toolkit's endpoint lookups; values.yaml documents `public: {host}`
 *   in a comment.
 * - conf.backends: cinder's map of named volume backends.
 */
const OPEN_MAPS = [
  /^(endpoints\.[^.]+\.host_fqdn_override)\./,
  /^(endpoints\.[^.]+\.scheme)\./,
  /^(conf\.backends)\./,
];

function exists(values: any, p: string): boolean {
  let cur = values;
  for (const part of p.split('.')) {
    if (!cur || typeof cur !== 'object' || !(part in cur)) return false;
    cur = cur[part];
  }
  return true;
}

function missingPaths(values: any, paths: string[]): string[] {
  return paths.filter(p => {
    const open = OPEN_MAPS.map(r => r.exec(p)).find(Boolean);
    return open ? !exists(values, open[1]) : !exists(values, p);
  });
}

const specs = [
  {
    storage: {
      backend: 'ceph-rbd',
      monitors: ['10.0.0.1:6789'],
      secretName: 'ceph-client',
    },
  },
  { storage: { backend: 'lvm' } },
  {
    storage: {
      backend: 'nfs',
      shares: ['nfs01:/srv/cinder', 'nfs02:/srv/cinder'],
    },
  },
].flatMap(extra =>
  DEPLOYABLE_RELEASES.map(release =>
    parseCloudSpec({
      name: 'conf',
      release,
      publicDomain: 'cloud.example.org',
      tlsIssuer: 'letsencrypt',
      networking: { bridgeMappings: ['physnet1:br-ex'] },
      delivery: { mode: 'flux' },
      ...extra,
    }),
  ),
);

describe('conformance with the openstack-helm charts', () => {
  it('vendors every chart the suite renders or pins images of, and helm-toolkit', () => {
    const used = new Set<string>([
      ...CHARTS.map(c => c.chart),
      ...chartsWithReleaseImages(),
    ]);
    expect([...used].filter(c => !VENDORED_CHARTS.includes(c))).toEqual([]);
    // each chart folder holds that chart: its Chart.yaml names it
    for (const chart of [...VENDORED_CHARTS, 'helm-toolkit'])
      expect(load(chart, 'Chart.yaml')).toMatchObject({ name: chart });
  });

  it.each(CHARTS.map(c => c.chart))(
    'every value path rendered for %s exists in its values.yaml',
    chart => {
      const values = load(chart, 'values.yaml');
      for (const spec of specs) {
        const paths = valuePaths(chartValues(spec, chart)).filter(
          p => !p.startsWith('images.tags.'),
        );
        expect(missingPaths(values, paths)).toEqual([]);
      }
    },
  );

  it.each(CHARTS.map(c => c.chart))(
    'every credential targetPath of %s exists in its values.yaml',
    chart => {
      const values = load(chart, 'values.yaml');
      const paths = (CHART_CREDENTIALS[chart] ?? []).map(s => s.targetPath);
      expect(missingPaths(values, paths)).toEqual([]);
    },
  );

  it.each(
    VENDORED_CHARTS.flatMap(chart =>
      DEPLOYABLE_RELEASES.map(release => [chart, release]),
    ),
  )(
    'the %s image tags for %s equal the chart override file',
    (chart, release) => {
      const pinned = chartsWithReleaseImages().includes(chart as ChartName);
      // The suite pins a chart's images per release exactly where upstream has an override file
      // (none for memcached, openvswitch, ovn). A pinned chart's file must be there: file() fails
      // naming it when it is not.
      const upstream = pinned
        ? parse(
            fs.readFileSync(
              file('values_overrides', chart, `${release}-ubuntu_noble.yaml`),
              'utf8',
            ),
          )?.images?.tags ?? {}
        : {};
      expect({
        chart,
        release,
        overrideFile: fs.existsSync(overridePath(chart, release)),
      }).toEqual({ chart, release, overrideFile: pinned });
      expect(releaseImageTags(chart as ChartName, release)).toEqual(upstream);
    },
  );

  it('pins the chart version the charts carry', () => {
    for (const chart of [...VENDORED_CHARTS, 'helm-toolkit'])
      expect(load(chart, 'Chart.yaml').version).toBe(
        specs[0].chartSource.version,
      );
  });
});
