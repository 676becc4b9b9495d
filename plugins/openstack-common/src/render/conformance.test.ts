/*
 * Conformance of the rendered values with the real openstack-helm charts: every key path the
 * renderer overrides exists in the chart's values.yaml, and the image tags of each release equal
 * the chart's own values_overrides/<release>-ubuntu_noble.yaml. The charts are read from
 * $OPENSTACK_HELM_REFERENCE (default <repo>/../shared/reference/openstack-helm); when that
 * directory is absent the test says so in one line and judges nothing.
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

const REFERENCE =
  process.env.OPENSTACK_HELM_REFERENCE ??
  path.resolve(__dirname, '../../../../..', 'shared/reference/openstack-helm');
const present = fs.existsSync(REFERENCE);

function load(chart: string, file: string): any {
  const p = path.join(REFERENCE, chart, file);
  return fs.existsSync(p) ? parse(fs.readFileSync(p, 'utf8')) : undefined;
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

if (!present) {
  // eslint-disable-next-line no-console
  console.log(
    `conformance: no openstack-helm charts at ${REFERENCE} (set OPENSTACK_HELM_REFERENCE); not judging the rendered values`,
  );
  describe('conformance with the openstack-helm charts (absent)', () => {
    it('has no reference charts to compare with', () => {
      expect(fs.existsSync(REFERENCE)).toBe(false);
    });
  });
} else {
  describe('conformance with the openstack-helm charts', () => {
    it.each(CHARTS.map(c => c.chart))(
      'every value path rendered for %s exists in its values.yaml',
      chart => {
        const values = load(chart, 'values.yaml');
        expect(values).toBeDefined();
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

    const allCharts = fs
      .readdirSync(REFERENCE)
      .filter(d => fs.existsSync(path.join(REFERENCE, d, 'Chart.yaml')));
    it.each(
      allCharts.flatMap(chart =>
        DEPLOYABLE_RELEASES.map(release => [chart, release]),
      ),
    )(
      'the %s image tags for %s equal the chart override file',
      (chart, release) => {
        const override = load(
          chart,
          `values_overrides-${release}-ubuntu_noble.yaml`,
        );
        const mine = releaseImageTags(chart as ChartName, release);
        expect(mine).toEqual(override?.images?.tags ?? {});
        expect(chartsWithReleaseImages().includes(chart as ChartName)).toBe(
          override !== undefined,
        );
      },
    );

    it('pins the chart version the charts carry', () => {
      for (const chart of allCharts)
        expect(load(chart, 'Chart.yaml').version).toBe(
          specs[0].chartSource.version,
        );
    });
  });
}
