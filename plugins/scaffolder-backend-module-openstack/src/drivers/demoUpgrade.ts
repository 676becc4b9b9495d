// Where the demo driver's upgrade effects land: the backend's demo store. The demo cloud is read
// through the suite's status routes as charts and workloads, the same shape a live cloud's are
// read in, so the planner and its preflight see it the way they see a live cloud.
import { InputError } from '@backstage/errors';
import {
  ChartName,
  CloudStatus,
  OPENSTACK_HELM_CHART_VERSION,
  releaseImageTags,
} from '@backstage-openstack/plugin-openstack-common';
import { LiveChart, LiveWorkload, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { manualCheck } from '../actions/upgradeSteps';
import { SuiteApi } from './suiteApi';
import { CheckOutcome, UpgradeTarget } from './types';

/** The demo cloud's charts: each service runs its release's pinned images, as the demo store simulates them. */
function demoCharts(status: CloudStatus, release: string): LiveChart[] {
  return status.services.map(svc => {
    const chart = svc.name as ChartName;
    return {
      chart,
      object: { apiVersion: 'demo.openstack.backstage.io/v1', kind: 'DemoChart', metadata: { name: chart } },
      version: status.chartVersion ?? OPENSTACK_HELM_CHART_VERSION,
      imageTags: releaseImageTags(chart, svc.release ?? release),
      readiness: { ready: svc.verdict === 'Healthy', detail: svc.reasons.join('; ') || svc.verdict },
    };
  });
}

function demoWorkloads(status: CloudStatus): LiveWorkload[] {
  return status.services.flatMap(svc =>
    svc.workloads
      .filter(w => w.kind !== 'Job')
      .map(w => ({
        chart: svc.name as ChartName,
        kind: w.kind as LiveWorkload['kind'],
        component: w.component,
        name: w.name,
        ready: w.ready,
        desired: w.desired,
        restarts: w.restarts ?? 0,
        image: w.imageTag,
        readiness: { ready: w.ready >= w.desired, detail: `${w.kind} ${w.name}: ${w.ready}/${w.desired} ready` },
      })),
  );
}

/** Whether a chart of the demo cloud has rolled to `to` and every workload of it is ready. */
function rolled(status: CloudStatus, chart: string, to: string): { ok: boolean; detail: string } {
  const svc = status.services.find(s => s.name === chart);
  if (!svc) return { ok: false, detail: `the demo cloud has no ${chart}` };
  if (svc.release !== to) return { ok: false, detail: `${chart} is on ${svc.release ?? 'an unknown release'}, not ${to} yet` };
  const notReady = svc.workloads.filter(w => w.kind !== 'Job' && w.ready < w.desired);
  if (notReady.length) return { ok: false, detail: notReady.map(w => `${w.name}: ${w.ready}/${w.desired} ready`).join('; ') };
  return { ok: true, detail: `${svc.workloads.length} workloads rolled out on ${to}` };
}

/** Evaluates a planner check on the demo cloud's status. */
function evaluateDemoCheck(status: CloudStatus, check: { id: string; description: string }, chart: string, to: string): CheckOutcome {
  const outcome = (r: { ok: boolean; detail: string }) => ({ id: check.id, evaluated: true, ...r });
  switch (check.id) {
    case 'previous-step-done':
      return { id: check.id, ok: true, evaluated: true, detail: 'steps run one after the other' };
    case 'rollout-complete':
    case 'conductor-upgraded':
      return outcome(rolled(status, chart, to));
    case 'db-sync-succeeded': {
      const r = rolled(status, chart, to);
      return outcome(r.ok ? { ok: true, detail: `the demo's ${chart}-db-sync ran with the chart's rollout` } : r);
    }
    case 'placement-upgraded':
      return outcome(rolled(status, 'placement', to));
    default:
      return manualCheck(check);
  }
}

/** Opens the demo cloud for an upgrade: its effects are the demo store's rolls, through the suite API. */
export function openDemoUpgrade(api: SuiteApi, cloud: ResolvedCloud): UpgradeTarget {
  return {
    delivery: 'demo',
    gitops: false,
    async readState() {
      const status = await api.status(cloud);
      if (!status.release) {
        throw new InputError(`input.cloud: the release of ${cloud.entityRef} is unknown; its images name no release`);
      }
      return { charts: demoCharts(status, status.release), workloads: demoWorkloads(status) };
    },
    async editManifests() {
      return [];
    },
    async applyStep(plan, step) {
      // the demo store rolls the plan's charts in the plan's order; asking again is idempotent
      const order = [...new Set(plan.steps.map(s => s.chart))];
      await api.upgradeDemoCloud(cloud, { to: plan.to, order });
      return `rolling ${step.chart} to ${plan.to} in the demo store`;
    },
    async evaluate(check, step, plan) {
      return evaluateDemoCheck(await api.status(cloud), check, step.chart, plan.to);
    },
  };
}
