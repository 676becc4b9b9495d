import { OpenStackSession } from './session';
import { NetworkAgent } from './types';
import { NotFoundError } from '@backstage/errors';
import { nextPageQuery, utc } from './util';

/**
 * Neutron: agents (`openstack network agent list`).
 *
 * @public
 */
export class NeutronClient {
  constructor(private readonly session: OpenStackSession) {}

  /**
   * Deletes an agent (`DELETE /v2.0/agents/{id}`). For an OVN Controller agent, Neutron's OVN
   * driver deletes the chassis from the southbound DB with it. An agent already gone is fine.
   * Not retried.
   */
  async deleteAgent(id: string): Promise<void> {
    try {
      await this.session.request(
        'network',
        `${await this.agentsPath()}/${encodeURIComponent(id)}`,
        { method: 'DELETE' },
      );
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }

  private async agentsPath(): Promise<string> {
    const endpoint = await this.session.endpoint('network');
    return /\/v2\.0$/.test(endpoint) ? 'agents' : 'v2.0/agents';
  }

  /** Every agent, following `agents_links` when the server paginates. */
  async listAgents(
    filter: { host?: string; agentType?: string } = {},
  ): Promise<NetworkAgent[]> {
    const path = await this.agentsPath();
    const agents: any[] = [];
    let marker: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const { body } = await this.session.request('network', path, {
        query: { host: filter.host, agent_type: filter.agentType, marker },
      });
      const page: any[] = body?.agents ?? [];
      agents.push(...page);
      const next = nextPageQuery(body?.agents_links)?.marker;
      if (!next || page.length === 0 || seen.has(next)) break;
      seen.add(next);
      marker = next;
    }
    return agents.map(a => ({
      id: a.id,
      agentType: a.agent_type,
      binary: a.binary,
      host: a.host,
      alive: !!a.alive,
      adminStateUp: !!a.admin_state_up,
      availabilityZone: a.availability_zone ?? null,
      heartbeatTimestamp: utc(a.heartbeat_timestamp),
      topic: a.topic,
      description: a.description ?? null,
    }));
  }
}
