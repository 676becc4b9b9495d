import { ServiceUnavailableError } from '@backstage/errors';
import { OpenStackSession } from './session';
import { Image, VersionDocument } from './types';
import { parseVersionDocument } from './util';

/**
 * Glance (image), minimal.
 *
 * @public
 */
export class GlanceClient {
  constructor(private readonly session: OpenStackSession) {}

  /** The current image API version (`GET /versions`). */
  async versionDocument(): Promise<VersionDocument> {
    const root = (await this.session.endpoint('image')).replace(
      /\/v2(\.\d+)?$/,
      '',
    );
    const url = `${root}/versions`;
    const { body } = await this.session.request('image', url, {
      acceptStatuses: [300],
    });
    const doc = parseVersionDocument(body);
    if (!doc) {
      throw new ServiceUnavailableError(
        `OpenStack cloud "${this.session.cloud.key}": image GET ${url} returned no version document`,
      );
    }
    return doc;
  }

  /** The first `limit` images visible to the project (default 25). */
  async listImages(limit = 25): Promise<Image[]> {
    const endpoint = await this.session.endpoint('image');
    const path = /\/v2$/.test(endpoint) ? 'images' : 'v2/images';
    const { body } = await this.session.request('image', path, {
      query: { limit },
    });
    return (body?.images ?? []).map((i: any) => ({
      id: i.id,
      name: i.name ?? null,
      status: i.status,
      visibility: i.visibility,
      size: i.size ?? null,
      diskFormat: i.disk_format ?? null,
      createdAt: i.created_at,
    }));
  }
}
