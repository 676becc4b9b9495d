import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_CHART_SOURCE,
  OPENSTACK_HELM_REPOSITORY,
  quoteValue,
  SAFE_NAME,
  urlField,
} from '@backstage-openstack/plugin-openstack-common';

/** One chart source of `openstack.chartSources`. @public */
export interface ChartSource {
  /** Its key in `openstack.chartSources`, the name a cloud spec's `chartSource.name` gives. */
  name: string;
  /** A Helm repository (`https://`) or an OCI registry path (`oci://`). */
  url: string;
  /** PEM CA bundle trusted when the source is checked (a private repository or registry). */
  caData?: string;
}

/**
 * The chart sources the platform team configured (`openstack.chartSources`): the only URLs the
 * suite fetches charts from or renders into a cloud. A user names one; nobody types a URL.
 *
 * @public
 */
export interface ChartSources {
  /** The configured names, sorted. */
  names(): string[];
  /**
   * The source of `name`, or an `InputError` naming `field` and the names to pick from.
   */
  resolve(name: string, field: string): ChartSource;
}

const url = urlField(['https', 'oci'], OPENSTACK_HELM_REPOSITORY);

/**
 * Reads `openstack.chartSources` (name → `{ url, caData? }`), checking each name and URL at
 * startup: a bad entry fails the backend's start naming its key, not a user's task later.
 *
 * @public
 */
export function readChartSources(config: Config): ChartSources {
  const section = config.getOptionalConfig('openstack.chartSources');
  const sources = new Map<string, ChartSource>();
  for (const name of section?.keys() ?? []) {
    const key = `openstack.chartSources.${name}`;
    if (!SAFE_NAME.test(name)) {
      throw new Error(`${key}: the name must be 1-64 letters, digits, ".", "_" or "-", e.g. ${DEFAULT_CHART_SOURCE}`);
    }
    const entry = section!.getConfig(name);
    const value = entry.getString('url');
    const parsed = url.safeParse(value);
    if (!parsed.success) {
      throw new Error(`${key}.url: ${parsed.error.issues.map(i => i.message).join('; ')}`);
    }
    sources.set(name, { name, url: value, caData: entry.getOptionalString('caData') });
  }
  const names = [...sources.keys()].sort();
  return {
    names: () => [...names],
    resolve(name, field) {
      const source = sources.get(name);
      if (source) return source;
      throw new InputError(
        names.length
          ? `${field} ${quoteValue(name)}: not a chart source of this portal; use one of ${names.join(', ')} (openstack.chartSources)`
          : `${field} ${quoteValue(name)}: this portal has no chart sources; ask the platform team to configure openstack.chartSources`,
      );
    },
  };
}
