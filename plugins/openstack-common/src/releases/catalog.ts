/**
 * The OpenStack release catalog as data. Source: https://releases.openstack.org (release names,
 * dates and the SLURP — "Skip Level Upgrade Release Process" — flag, which marks every .1
 * release from 2023.1 on) and the openstack-helm charts pinned by this suite.
 */

/** One OpenStack release. @public */
export interface OpenStackRelease {
  /** Series version, e.g. `2025.1`. */
  version: string;
  /** Code name, e.g. `Epoxy`. */
  name: string;
  /** Release date (ISO 8601 day). */
  released: string;
  /** SLURP release: upgrades may skip the release between two SLURPs. */
  slurp: boolean;
}

/** Every release the suite knows, oldest first. @public */
export const OPENSTACK_RELEASES: readonly OpenStackRelease[] = [
  { version: '2023.1', name: 'Antelope', released: '2023-03-22', slurp: true },
  { version: '2023.2', name: 'Bobcat', released: '2023-10-04', slurp: false },
  { version: '2024.1', name: 'Caracal', released: '2024-04-03', slurp: true },
  {
    version: '2024.2',
    name: 'Dalmatian',
    released: '2024-10-02',
    slurp: false,
  },
  { version: '2025.1', name: 'Epoxy', released: '2025-04-02', slurp: true },
  { version: '2025.2', name: 'Flamingo', released: '2025-10-01', slurp: false },
  { version: '2026.1', name: 'Gazpacho', released: '2026-04-01', slurp: true },
  { version: '2026.2', name: 'Hibiscus', released: '2026-09-30', slurp: false },
];

/** The openstack-helm chart version the suite renders (charts of August 2026). @public */
export const OPENSTACK_HELM_CHART_VERSION = '2026.1.0';

/**
 * The releases each openstack-helm chart version can deploy: a chart version ships
 * `values_overrides/<release>-ubuntu_noble.yaml` for exactly these (2026.1.0, the charts of
 * August 2026: 2025.1, 2025.2 and 2026.1). Add a line when the suite pins a new chart version.
 *
 * @public
 */
export const CHART_VERSION_RELEASES: Readonly<
  Record<string, readonly string[]>
> = {
  '2026.1.0': ['2025.1', '2025.2', '2026.1'],
};

/**
 * Releases the pinned charts can deploy. A new cloud must be on one of them; an existing cloud
 * may be on any release of the catalog.
 *
 * @public
 */
export const DEPLOYABLE_RELEASES: readonly string[] =
  CHART_VERSION_RELEASES[OPENSTACK_HELM_CHART_VERSION];

/** The catalog entry of a release, or undefined. @public */
export function findRelease(version: string): OpenStackRelease | undefined {
  return OPENSTACK_RELEASES.find(r => r.version === version);
}

/** Position of a release in the catalog (0 = oldest), or -1. @public */
export function releaseIndex(version: string): number {
  return OPENSTACK_RELEASES.findIndex(r => r.version === version);
}

/**
 * True when the pinned charts can deploy the release, i.e. a new cloud may be created on it or
 * an upgrade may land on it.
 *
 * @public
 */
export function isDeployableRelease(version: string): boolean {
  return isDeployableBy(version, OPENSTACK_HELM_CHART_VERSION);
}

/** True when the given openstack-helm chart version ships overrides for the release. @public */
export function isDeployableBy(version: string, chartVersion: string): boolean {
  return (CHART_VERSION_RELEASES[chartVersion] ?? []).includes(version);
}

/**
 * The release an openstack-helm image tag implies: `2025.1-ubuntu_noble`,
 * `quay.io/airshipit/nova:2025.2-ubuntu_noble` → `2025.1`, `2025.2`; undefined for tags that
 * name no catalog release (infrastructure images, `latest`).
 *
 * @public
 */
export function releaseFromImage(tagOrImage: string): string | undefined {
  const at = tagOrImage.lastIndexOf('@');
  const ref = at >= 0 ? tagOrImage.slice(0, at) : tagOrImage;
  const colon = ref.lastIndexOf(':');
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : ref;
  const m = /^(\d{4}\.[12])(?:[-_.]|$)/.exec(tag);
  return m && findRelease(m[1]) ? m[1] : undefined;
}
