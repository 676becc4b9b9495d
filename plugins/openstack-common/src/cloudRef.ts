/**
 * One identity for a cloud, through the whole suite.
 *
 * Glossary (the README repeats it):
 * - **cloud ref** (`CloudRef`, string form `resource:<namespace>/<name>`): the catalog entity ref
 *   of the cloud's Resource. The one identifier that routes, actions, approvals, operations and
 *   the frontend pass around.
 * - **cloud key** (`cloudKey`): the cloud's `openstack.backstage.io/cloud` annotation: its key
 *   under `openstack.clouds` (live) or the demo store's name. Equal to the cloud spec's `name`
 *   for the clouds that the suite creates, and the prefix of every object the charts make.
 *   Only the backend's resolver and the code that names Kubernetes objects use it.
 * - **host** (`host`): a compute host's name as nova-compute reports it (`openstack hypervisor
 *   list`), usually an FQDN. Its catalog entity is named by `hostEntityName`.
 */
import { InputError } from '@backstage/errors';
import { OPENSTACK_CLOUD_TYPE } from './annotations';

/** A cloud's identity: the entity ref of its catalog Resource. @public */
export interface CloudRef {
  readonly kind: 'resource';
  readonly namespace: string;
  readonly name: string;
}

/** The catalog's rules (catalog-model's KubernetesValidatorFunctions): names and namespaces. */
const ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENTITY_NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENTITY_NAME_MAX = 63;

function checkEntityName(value: string, what: 'name' | 'namespace', field: string): void {
  const rule = what === 'name' ? ENTITY_NAME : ENTITY_NAMESPACE;
  if (!value || value.length > ENTITY_NAME_MAX || !rule.test(value.toLocaleLowerCase('en-US'))) {
    throw new InputError(
      `${field}: ${JSON.stringify(value.slice(0, 80))} is not a valid entity ${what}; use at most ${ENTITY_NAME_MAX} letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
    );
  }
}

/**
 * Parses a cloud's entity ref: `resource:<namespace>/<name>`, `<namespace>/<name>` or `<name>`
 * (kind `resource` and namespace `default` by default). Throws an `InputError` naming `field`
 * for anything else, e.g. another kind. @public
 */
export function parseCloudRef(ref: unknown, field = 'cloud'): CloudRef {
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw new InputError(`${field}: give the cloud's entity ref, e.g. resource:default/demo-cloud`);
  }
  let rest = ref.trim();
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const kind = rest.slice(0, colon);
    if (kind.toLocaleLowerCase('en-US') !== 'resource') {
      throw new InputError(
        `${field}: ${JSON.stringify(ref.slice(0, 80))} is a ${kind}, not a cloud; a cloud is a Resource of spec.type ${OPENSTACK_CLOUD_TYPE} (resource:<namespace>/<name>)`,
      );
    }
    rest = rest.slice(colon + 1);
  }
  const parts = rest.split('/');
  if (parts.length > 2) {
    throw new InputError(`${field}: ${JSON.stringify(ref.slice(0, 80))} is not an entity ref; write resource:<namespace>/<name>`);
  }
  const [namespace, name] = parts.length === 2 ? parts : ['default', parts[0]];
  checkEntityName(namespace, 'namespace', field);
  checkEntityName(name, 'name', field);
  return {
    kind: 'resource',
    namespace: namespace.toLocaleLowerCase('en-US'),
    name: name.toLocaleLowerCase('en-US'),
  };
}

/** The string form of a cloud ref, `resource:<namespace>/<name>`, lower-case. @public */
export function stringifyCloudRef(ref: CloudRef | string): string {
  const r = typeof ref === 'string' ? parseCloudRef(ref) : ref;
  return `resource:${r.namespace}/${r.name}`;
}

/** Minimal shape of a catalog entity, so this package needs no catalog-model dependency. @public */
export interface CloudEntityLike {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown> | object;
}

/** The cloud ref of a catalog entity. @public */
export function cloudRefOfEntity(entity: CloudEntityLike): CloudRef {
  return parseCloudRef(`resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`);
}

/** The path of a cloud's entity page in the portal, e.g. `/catalog/default/resource/demo-cloud`. @public */
export function cloudEntityPath(ref: CloudRef | string): string {
  const r = typeof ref === 'string' ? parseCloudRef(ref) : ref;
  return `/catalog/${encodeURIComponent(r.namespace)}/resource/${encodeURIComponent(r.name)}`;
}

/**
 * The one rule that names a cloud's chart objects (HelmRelease, Argo CD Application, Helm
 * release, Secrets of the chart): `<cloud key>-<chart>`. @public
 */
export function chartObjectName(cloudKey: string, chart: string): string {
  return `${cloudKey}-${chart}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable suffix, not a security measure. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The catalog entity name of a compute host of a cloud, for any host name (FQDN, upper case,
 * characters an entity name does not allow). The one rule the enroll action uses to name the
 * entity and every link uses to reach it: `<cloud key>.<host>` lower-cased, characters other
 * than letters, digits, `-`, `_` and `.` made `-`; when that changed it or it exceeds 63 characters, it is cut
 * and ends with a hash of the whole, so two hosts never share an entity. @public
 */
export function hostEntityName(cloudKey: string, host: string): string {
  const full = `${cloudKey}.${host}`.toLocaleLowerCase('en-US');
  let name = full.replace(/[^a-z0-9._-]+/g, '-').replace(/^[-_.]+|[-_.]+$/g, '');
  if (name !== full || name.length > ENTITY_NAME_MAX) {
    // changed or cut: keep it unique with a hash of the original
    const suffix = fnv1a(full);
    name = `${name.slice(0, ENTITY_NAME_MAX - suffix.length - 1).replace(/[-_.]+$/, '')}-${suffix}`;
  }
  return name;
}

/**
 * The entity ref of a compute host's catalog entity, in the namespace of its cloud:
 * `resource:<namespace>/<hostEntityName(cloudKey, host)>`. @public
 */
export function hostEntityRef(cloudRef: CloudRef | string, cloudKey: string, host: string): string {
  const r = typeof cloudRef === 'string' ? parseCloudRef(cloudRef) : cloudRef;
  return `resource:${r.namespace}/${hostEntityName(cloudKey, host)}`;
}
