import { OpenStackSession } from './session';
import { VolumeService } from './types';
import { toServiceRecord } from './util';

/**
 * Volume microversion sent: 3.7 (Ocata+) adds `cluster` to os-services.
 *
 * @public
 */
export const CINDER_MICROVERSION = '3.7';

/**
 * Cinder (block storage, catalog type volumev3 / block-storage).
 *
 * @public
 */
export class CinderClient {
  constructor(private readonly session: OpenStackSession) {}

  /** `openstack volume service list`. */
  async listVolumeServices(
    filter: { binary?: string; host?: string } = {},
  ): Promise<VolumeService[]> {
    const { body } = await this.session.request(
      'block-storage',
      'os-services',
      {
        query: filter,
        headers: { 'OpenStack-API-Version': `volume ${CINDER_MICROVERSION}` },
      },
    );
    return (body?.services ?? []).map((s: any) => ({
      ...toServiceRecord(s),
      cluster: s.cluster,
      frozen: s.frozen,
      replicationStatus: s.replication_status,
    }));
  }
}
