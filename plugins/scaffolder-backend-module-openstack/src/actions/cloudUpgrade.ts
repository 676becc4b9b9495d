import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CHART_ORDER,
  chartInfo,
  checkComputeLag,
  CloudStatus,
  upgradePath,
} from '@backstage-openstack/plugin-openstack-common';
import { pollUntil } from '@backstage-openstack/plugin-openstack-node';
import { OpenStackBackend } from '../OpenStackBackend';
import { resolveCloud } from '../resolveCloud';
import { examples } from './cloudUpgrade.examples';
import { LiveUpgradeDeps, upgradeLiveCloud } from './cloudUpgradeLive';

/**
 * The order the demo rolls services in: the upgrade planner's chart order (CHART_ORDER, whose
 * reasons are documented there) without the infrastructure charts, which the demo does not move.
 */
const DEMO_ROLL_ORDER: string[] = CHART_ORDER.filter(c => chartInfo(c).role !== 'infrastructure');

export interface CloudUpgradeDeps {
  catalog: CatalogService;
  backend: OpenStackBackend;
  /** Live clouds: the configured clusters; compute hosts default to the status backend's. */
  live?: Omit<LiveUpgradeDeps, 'pollMs' | 'computeHosts'> & Partial<Pick<LiveUpgradeDeps, 'computeHosts'>>;
  /** Poll interval while following the rollout. */
  pollMs?: number;
}

interface Preflight {
  id: string;
  severity: 'blocking' | 'warning';
  ok: boolean;
  detail: string;
}

function checkLabel(c: Preflight): string {
  if (c.ok) return 'ok  ';
  return c.severity === 'blocking' ? 'FAIL' : 'warn';
}

function preflight(status: CloudStatus, hop: { from: string; to: string }, hosts: Array<{ host: string; release?: string; state: string }>): Preflight[] {
  const unhealthy = status.services.filter(s => s.verdict !== 'Healthy');
  const lag = checkComputeLag(hop, hosts.filter(h => h.release).map(h => ({ host: h.host, release: h.release! })));
  const down = hosts.filter(h => h.state === 'down');
  return [
    {
      id: 'control-plane-healthy',
      severity: 'blocking',
      ok: unhealthy.length === 0,
      detail: unhealthy.length ? unhealthy.map(s => `${s.name} is ${s.verdict}: ${s.reasons.join('; ')}`).join(' | ') : 'every control-plane service is Healthy',
    },
    { id: 'compute-lag', severity: 'blocking', ok: lag.ok, detail: lag.message ?? `every nova-compute is on ${lag.allowed.join(' or ')}` },
    {
      id: 'compute-hosts-up',
      severity: 'warning',
      ok: down.length === 0,
      detail: down.length ? `${down.length} compute host(s) down: ${down.map(h => h.host).join(', ')}` : 'every compute host is up',
    },
  ];
}

/**
 * `openstack:cloud:upgrade` — upgrades a cloud by ONE hop towards the target release: reads the
 * live state, runs `upgradePath` and the preflight checks (blocking ones stop the task with their
 * reasons), starts the hop and follows it service by service, checkpointing each side effect so
 * a task resumed after a restart neither repeats nor loses work.
 *
 * @public
 */
export function createCloudUpgradeAction(deps: CloudUpgradeDeps) {
  const pollMs = deps.pollMs ?? 3000;
  return createTemplateAction({
    id: 'openstack:cloud:upgrade',
    description: 'Upgrades an OpenStack cloud by one hop (N → N+1, or SLURP → next SLURP) towards a target release',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cloud: z => z.string({ description: 'Entity ref of the cloud, e.g. resource:default/demo-cloud' }),
        targetRelease: z => z.string({ description: 'The release to reach, e.g. 2025.2; one hop is done per task' }),
        timeoutMinutes: z => z.number({ description: 'How long to follow the rollout' }).int().min(1).max(720).default(30),
        planOnly: z =>
          z.boolean({ description: 'Only plan: run the preflight checks and output the plan, change nothing (for an approval step)' }).default(false),
        waitForRollout: z =>
          z
            .boolean({
              description:
                'Live GitOps clouds (flux, argocd): after updating the manifests in the workspace, follow the reconciliation in the cluster step by step (once the pull request is merged). Direct clouds always follow it',
            })
            .default(false),
        argocdNamespace: z => z.string({ description: 'Live argocd clouds: namespace of the Applications (default argocd)' }).optional(),
      },
      output: {
        from: z => z.string().describe('Release before the hop'),
        to: z => z.string().describe('Release after the hop'),
        remainingHops: z => z.array(z.string()).describe('Hops still needed to reach the target'),
        report: z => z.record(z.string(), z.unknown()).describe('Upgrade report: preflight, services, compute follow-up'),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const { cloud: ref, targetRelease, timeoutMinutes = 30, planOnly = false, waitForRollout = false } = ctx.input;
      const cloud = await resolveCloud(deps.catalog, ref, await ctx.getInitiatorCredentials());
      if (cloud.delivery) {
        if (!deps.live) {
          throw new InputError(`input.cloud: ${cloud.entityRef} is a live cloud, and live clouds are not configured in this backend (kubernetes.clusterLocatorMethods)`);
        }
        const computeHosts =
          deps.live.computeHosts ??
          (async (c: string) =>
            (await deps.backend.hosts(c)).filter(h => h.release).map(h => ({ host: h.host, release: h.release! })));
        await upgradeLiveCloud(ctx, { ...deps.live, computeHosts, pollMs: deps.pollMs }, cloud, {
          targetRelease,
          timeoutMinutes,
          planOnly,
          waitForRollout,
          argocdNamespace: ctx.input.argocdNamespace,
        });
        return;
      }
      const status = await deps.backend.status(cloud.key);
      const from = status.release;
      if (!from) throw new InputError(`input.cloud: the release of ${cloud.entityRef} is unknown; its images name no release`);
      // A resumed task may find the cloud already on (or rolling to) the hop's target.
      const hop = await ctx.checkpoint({
        key: `upgrade.${cloud.key}.hop.${targetRelease}`,
        fn: async () => {
          const path = upgradePath(from, targetRelease);
          return { from, to: path[0], path };
        },
      });
      ctx.logger.info(`Upgrade path ${hop.from} → ${hop.path.join(' → ')}; this task performs the hop ${hop.from} → ${hop.to}`);

      const hosts = await deps.backend.hosts(cloud.key);
      const checks = preflight(status, hop, hosts);
      for (const c of checks) ctx.logger.info(`preflight ${checkLabel(c)} ${c.id}: ${c.detail}`);
      const blocking = checks.filter(c => !c.ok && c.severity === 'blocking');
      const startedAlready = status.services.some(s => s.release === hop.to);
      if (blocking.length && !startedAlready) {
        throw new Error(`Preflight failed, nothing was changed: ${blocking.map(c => `${c.id}: ${c.detail}`).join(' | ')}`);
      }
      const plan = DEMO_ROLL_ORDER.filter(s => status.services.some(x => x.name === s));
      ctx.logger.info(`Plan: ${plan.map((s, i) => `${i + 1}. ${s}`).join(', ')}; then compute hosts and their OVN controllers (outside the cluster)`);
      if (ctx.isDryRun || planOnly) {
        ctx.output('from', hop.from);
        ctx.output('to', hop.to);
        ctx.output('remainingHops', hop.path.slice(1));
        ctx.output('report', { dryRun: true, hop: `${hop.from} → ${hop.to}`, plan, preflight: checks });
        return;
      }
      if (!status.demo) {
        throw new InputError(
          `input.cloud: ${cloud.entityRef} is a live cloud without the openstack.backstage.io/delivery annotation; add it (flux, argocd or direct) so the action knows how to change it. Nothing was changed.`,
        );
      }

      await ctx.checkpoint({
        key: `upgrade.${cloud.key}.${hop.from}-${hop.to}.start`,
        fn: async () => {
          await deps.backend.startDemoUpgrade(cloud.key, hop.to);
          ctx.logger.info(`Started the hop ${hop.from} → ${hop.to}`);
          return true;
        },
      });

      const done = new Set<string>();
      const final = await pollUntil(
        `every service of ${cloud.key} on ${hop.to}`,
        async () => {
          const s = await deps.backend.status(cloud.key);
          for (const name of plan) {
            const svc = s.services.find(x => x.name === name);
            if (!done.has(name) && svc?.release === hop.to && svc.verdict === 'Healthy') {
              done.add(name);
              ctx.logger.info(`${name} rolled to ${hop.to} and is Healthy`);
            }
          }
          return done.size === plan.length && s.release === hop.to ? s : undefined;
        },
        { timeoutMs: timeoutMinutes * 60_000, intervalMs: pollMs, signal: ctx.signal },
      );
      const after = await deps.backend.hosts(cloud.key);
      const followUp = after.filter(h => h.release !== hop.to).map(h => h.host);
      ctx.logger.info(`Control plane on ${hop.to}. Follow-up: upgrade nova-compute and ovn-controller on ${followUp.length} host(s)`);
      ctx.output('from', hop.from);
      ctx.output('to', hop.to);
      ctx.output('remainingHops', hop.path.slice(1));
      ctx.output('report', {
        preflight: checks,
        services: final.services.map(s => ({ name: s.name, release: s.release, verdict: s.verdict })),
        computeFollowUp: followUp,
      });
    },
  });
}
