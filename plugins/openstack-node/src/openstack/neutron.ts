import { OpenStackSession } from './session';
import { NetworkAgent } from './types';
import { nextPageQuery, utc } from './util';

/**
 * Neutron: agents (`openstack network agent list`).
 *
 * @public
 */
export class NeutronClient {
  constructor(private readonly session: OpenStackSession) {}

  /** Every agent, following `agents_links` when the server paginates. */
  async listAgents(
    filter: { host?: string; agentType?: string } = {},
  ): Promise<NetworkAgent[]> {
    const endpoint = await this.session.endpoint('network');
    const path = /\/v2\.0$/.test(endpoint) ? 'agents' : 'v2.0/agents';
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
