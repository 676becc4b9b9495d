import {
  ApiHealth,
  AgentRecord,
  ControlPlaneServiceName,
  ServiceRecord,
  Verdict,
  WorkloadStatus,
} from './types';

/** A pod that restarted this often is "restarting repeatedly". @public */
export const RESTART_THRESHOLD = 5;

/** Binaries that run on compute hosts: their state is a host's, not the control plane's. */
const HOST_BINARIES = new Set(['nova-compute', 'ovn-controller']);
const HOST_AGENT_TYPES = new Set(['OVN Controller agent', 'OVN Controller Gateway agent', 'OVN Metadata agent', 'Open vSwitch agent']);

/** True for a service record of a compute host (nova-compute, ovn-controller), not of the control plane. @public */
export function isHostServiceRecord(s: Pick<ServiceRecord, 'binary'>): boolean {
  return HOST_BINARIES.has(s.binary);
}

/** True for a Neutron agent of a compute host (OVN controller/metadata, Open vSwitch). @public */
export function isHostAgentRecord(a: Pick<AgentRecord, 'agentType'>): boolean {
  return HOST_AGENT_TYPES.has(a.agentType);
}

const RANK: Record<Verdict, number> = { Healthy: 0, Unknown: 1, Degraded: 2, Down: 3 };

/** The worse of verdicts. @public */
export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((a, b) => (RANK[b] > RANK[a] ? b : a), 'Healthy');
}

/** What the verdict of one service is made from. @public */
export interface ServiceEvidence {
  name: ControlPlaneServiceName;
  workloads: WorkloadStatus[];
  /** Undefined when Kubernetes could not be read. */
  workloadsKnown: boolean;
  api?: ApiHealth;
  services?: ServiceRecord[];
  agents?: AgentRecord[];
}

/**
 * One verdict for a service with the reasons that produced it. Pods that are fine never hide a
 * broken API or dead agents: each source can only make the verdict worse.
 *
 * @public
 */
export function serviceVerdict(e: ServiceEvidence): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  const verdicts: Verdict[] = [];

  if (!e.workloadsKnown) {
    verdicts.push('Unknown');
    reasons.push('Kubernetes workloads could not be read');
  } else if (e.workloads.length === 0) {
    verdicts.push('Down');
    reasons.push(`no workloads with label application=${e.name}`);
  } else {
    for (const w of e.workloads.filter(x => x.kind !== 'Job')) {
      if (w.desired > 0 && w.ready === 0) {
        verdicts.push('Down');
        reasons.push(`${w.kind} ${w.name}: 0/${w.desired} ready`);
      } else if (w.ready < w.desired) {
        verdicts.push('Degraded');
        reasons.push(`${w.kind} ${w.name}: ${w.ready}/${w.desired} ready`);
      }
      if ((w.restarts ?? 0) >= RESTART_THRESHOLD) {
        verdicts.push('Degraded');
        reasons.push(`${w.kind} ${w.name}: ${w.restarts} restarts`);
      }
    }
  }

  if (e.api && !e.api.ok) {
    // Pods up but the API not answering is at least Degraded; with its pods down it is Down.
    verdicts.push('Degraded');
    reasons.push(`${e.api.serviceType} API does not answer${e.api.error ? `: ${e.api.error}` : ''}`);
  }

  const controlServices = (e.services ?? []).filter(s => !HOST_BINARIES.has(s.binary));
  const byBinary = new Map<string, ServiceRecord[]>();
  for (const s of controlServices) {
    byBinary.set(s.binary, [...(byBinary.get(s.binary) ?? []), s]);
  }
  for (const [binary, records] of byBinary) {
    const up = records.filter(r => r.state === 'up' && r.status === 'enabled');
    if (up.length === 0) {
      verdicts.push('Down');
      reasons.push(`${binary}: none of ${records.length} up`);
    } else if (up.length < records.length) {
      const down = records.filter(r => r.state !== 'up').map(r => r.host);
      verdicts.push('Degraded');
      reasons.push(`${binary}: ${up.length}/${records.length} up${down.length ? ` (down: ${down.join(', ')})` : ''}`);
    }
  }

  const controlAgents = (e.agents ?? []).filter(a => !HOST_AGENT_TYPES.has(a.agentType));
  const deadAgents = controlAgents.filter(a => !a.alive);
  if (controlAgents.length > 0 && deadAgents.length === controlAgents.length) {
    verdicts.push('Down');
    reasons.push(`all ${controlAgents.length} control-plane agents dead`);
  } else if (deadAgents.length > 0) {
    verdicts.push('Degraded');
    reasons.push(`agents dead: ${deadAgents.map(a => `${a.agentType}@${a.host}`).join(', ')}`);
  }

  return { verdict: worstVerdict(verdicts), reasons };
}

/** Services without which nothing works: one of them down takes the cloud down. */
const CRITICAL: ControlPlaneServiceName[] = ['keystone', 'mariadb', 'rabbitmq'];

/**
 * The cloud's verdict from its services': Down when a critical service (keystone, mariadb,
 * rabbitmq) is down, Degraded when any other is not Healthy, Unknown when only unknowns remain.
 *
 * @public
 */
export function cloudVerdict(
  services: Array<{ name: ControlPlaneServiceName; verdict: Verdict }>,
  sourceErrors: number,
): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  const verdicts: Verdict[] = [];
  for (const s of services) {
    if (s.verdict === 'Healthy') continue;
    if (s.verdict === 'Down' && CRITICAL.includes(s.name)) {
      verdicts.push('Down');
    } else if (s.verdict === 'Unknown') {
      verdicts.push('Unknown');
    } else {
      verdicts.push('Degraded');
    }
    reasons.push(`${s.name} is ${s.verdict}`);
  }
  if (sourceErrors > 0) {
    verdicts.push('Unknown');
    reasons.push(`${sourceErrors} source(s) could not be read`);
  }
  return { verdict: worstVerdict(verdicts), reasons };
}
