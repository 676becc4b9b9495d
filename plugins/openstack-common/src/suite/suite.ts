/**
 * What the suite keeps in its backend plugin's database for others to read: the catalog entities
 * its actions made (served to the catalog by the suite's entity provider) and the one operation
 * running on each cloud (its lease).
 */
import { BasicPermission } from '@backstage/plugin-permission-common';
import { OPENSTACK_CLOUD_TYPE, OPENSTACK_COMPUTE_HOST_TYPE } from '../annotations';
import {
  openstackCloudCreatePermission,
  openstackCloudUpgradePermission,
  openstackComputeDecommissionPermission,
  openstackComputeEnrollPermission,
  openstackComputeMaintenancePermission,
} from '../permissions';

/**
 * The location the suite's entity provider manages its entities under: the value of their
 * `backstage.io/managed-by-location` and `backstage.io/managed-by-origin-location` annotations,
 * and the provider's location key. No file, no URL: the entities live in the suite's database.
 * @public
 */
export const OPENSTACK_SUITE_LOCATION = 'openstack:suite';

/** A kind of operation on a cloud: what a lease is taken for. @public */
export type CloudOperationKind = 'create' | 'upgrade' | 'enroll' | 'maintenance' | 'decommission';
/** Every kind of operation that takes a cloud's lease. @public */
export const CLOUD_OPERATION_KINDS: readonly CloudOperationKind[] = ['create', 'upgrade', 'enroll', 'maintenance', 'decommission'];

/**
 * The one operation running on a cloud: a create, upgrade or enroll task holds its cloud's lease
 * while it runs, renews it, and releases it when it ends. A task that dies leaves it to expire;
 * a resumed task (same task id) takes it back. @public
 */
export interface CloudLease {
  /** The cloud ref, `resource:<namespace>/<name>`. */
  cloudRef: string;
  /** The scaffolder task that holds it (its page: `/create/tasks/<taskId>`). */
  taskId: string;
  kind: CloudOperationKind;
  /** The user (entity ref) who started the task. */
  initiator: string;
  acquiredAt: string;
  renewedAt: string;
  /** When it lapses unless renewed. */
  expiresAt: string;
}

/** A catalog entity the suite keeps (`GET /catalog/entities`), as its provider serves it. @public */
export interface SuiteEntityRecord {
  /** `<kind>:<namespace>/<name>`, lower-case kind. */
  entityRef: string;
  entity: Record<string, unknown>;
  /** Who wrote it last (the initiator of the task). */
  updatedBy: string;
  updatedAt: string;
}

/** The permission each kind of operation needs, also to take or release its cloud's lease. @public */
export const CLOUD_OPERATION_PERMISSIONS: Readonly<Record<CloudOperationKind, BasicPermission>> = Object.freeze({
  create: openstackCloudCreatePermission,
  upgrade: openstackCloudUpgradePermission,
  enroll: openstackComputeEnrollPermission,
  maintenance: openstackComputeMaintenancePermission,
  decommission: openstackComputeDecommissionPermission,
});

/**
 * The entities the suite keeps in the catalog, and the permission each needs: the permission of
 * the action that made it (a cloud: create; a compute host: enroll). Undefined for anything else
 * (a `Resource` of another type, another kind): the suite registers nothing else. @public
 */
export function suiteEntityPermission(entity: { kind?: unknown; spec?: unknown }): BasicPermission | undefined {
  if (typeof entity.kind !== 'string' || entity.kind.toLocaleLowerCase('en-US') !== 'resource') return undefined;
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  if (type === OPENSTACK_CLOUD_TYPE) return openstackCloudCreatePermission;
  if (type === OPENSTACK_COMPUTE_HOST_TYPE) return openstackComputeEnrollPermission;
  return undefined;
}
