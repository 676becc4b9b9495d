import { AuthService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  approvalPlanOperation,
  ApprovalRequest,
  approvalVerificationSchema,
  newApprovalRequestSchema,
  openstackApprovalDecidePermission,
  openstackApprovalReadPermission,
  parseCloudRef,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ApprovalState, ApprovalStore } from './ApprovalStore';
import { RunStarter } from './runStarter';

const STATES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;

const listQuery = z.object({
  state: z.enum(STATES).optional(),
  group: z.string().optional(),
  requester: z.string().optional(),
  cloud: z.string().optional(),
});
const decisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new InputError(r.error.issues.map(i => `${where}.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return r.data;
}

/**
 * Routes of the approvals: list, one with its audit trail, decide, cancel (users), and create
 * (the openstack:approval:request action, service credentials only). Mounted under /approvals.
 */
export function createApprovalsRouter(deps: {
  store: ApprovalStore;
  /** Starts an approved request's run, on behalf of its approver. */
  runs: Pick<RunStarter, 'ensureStarted'>;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The groups a user is a member of, from the catalog, asked with the backend's own credentials. */
  groupsOf: (userEntityRef: string) => Promise<string[]>;
  /** Tells the approver group of a new request. */
  notify?: (request: ApprovalRequest) => Promise<void>;
  /** Tells the requester of the decision. */
  notifyDecision?: (request: ApprovalRequest) => Promise<void>;
}): express.Router {
  const { store, httpAuth, permissions, auth } = deps;
  const router = Router();
  router.use(express.json());

  async function allowed(credentials: Parameters<PermissionsService['authorize']>[1]['credentials'], permission: BasicPermission) {
    const [d] = await permissions.authorize([{ permission }], { credentials });
    return d.result === AuthorizeResult.ALLOW;
  }

  router.get('/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    if (!(await allowed(credentials, openstackApprovalReadPermission))) throw new NotAllowedError('Permission openstack.approval.read is required');
    const q = parse(listQuery, req.query, 'query');
    const cloud = q.cloud === undefined ? undefined : stringifyCloudRef(parseCloudRef(q.cloud, 'query.cloud'));
    res.json({ items: await store.list({ ...q, cloud, state: q.state as ApprovalState | undefined }) });
  });

  router.get('/approvals/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    if (!(await allowed(credentials, openstackApprovalReadPermission))) throw new NotAllowedError('Permission openstack.approval.read is required');
    let approval = await store.get(req.params.id);
    const user = auth.isPrincipal(credentials, 'user') ? credentials.principal.userEntityRef : undefined;
    // the approver's read finishes a start that did not finish (a restart, the scaffolder was down)
    if (auth.isPrincipal(credentials, 'user')) approval = await deps.runs.ensureStarted(approval, credentials);
    const canDecide =
      approval.state === 'pending' &&
      !!user &&
      user !== approval.requester &&
      (await allowed(credentials, openstackApprovalDecidePermission)) &&
      (await deps.groupsOf(user)).includes(approval.approverGroup.toLowerCase());
    res.json({ approval, audit: await store.audit(approval.id), canDecide, canCancel: approval.state === 'pending' && user === approval.requester });
  });

  router.post('/approvals/:id/decision', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await allowed(credentials, openstackApprovalDecidePermission))) {
      throw new NotAllowedError('Only members of the approver group may decide (permission openstack.approval.decide)');
    }
    const body = parse(decisionBody, req.body, 'body');
    const user = credentials.principal.userEntityRef;
    // membership of the request's group is a condition of the deciding UPDATE itself
    const decided = await store.decide(req.params.id, user, body.decision === 'approve' ? 'approved' : 'rejected', body.comment, await deps.groupsOf(user));
    await deps.notifyDecision?.(decided);
    // approved: its run starts now, as the approver's task (a failed start is retried, never undoes the decision)
    const approval = await deps.runs.ensureStarted(decided, credentials);
    res.json({ approval });
  });

  // before an action acts: its task's approved request for exactly the plan it recomputed
  router.post('/approvals/verify', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const body = parse(approvalVerificationSchema, req.body, 'body');
    const cloud = stringifyCloudRef(parseCloudRef(body.cloud, 'body.cloud'));
    res.json({ approval: await store.verify({ ...body, cloud }) });
  });

  router.post('/approvals/:id/cancel', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ approval: await store.cancel(req.params.id, credentials.principal.userEntityRef) });
  });

  router.post('/approvals', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const parsed = parse(newApprovalRequestSchema, req.body, 'body');
    // keyed by the full cloud ref, whichever form of it the caller sent
    // a bound plan names its cloud: the request is that cloud's (a different body.cloud is refused)
    const planCloud = approvalPlanOperation(parsed.plan) ? (parsed.plan as { cloud?: unknown }).cloud : undefined;
    const cloudOfPlan = typeof planCloud === 'string' ? stringifyCloudRef(parseCloudRef(planCloud, 'body.plan.cloud')) : undefined;
    const cloud = parsed.cloud === undefined ? cloudOfPlan : stringifyCloudRef(parseCloudRef(parsed.cloud, 'body.cloud'));
    if (cloudOfPlan && cloud !== cloudOfPlan) {
      throw new InputError(`body.cloud ${cloud} differs from body.plan.cloud ${cloudOfPlan}; drop body.cloud or make them equal`);
    }
    // and by the group's ref as the catalog's relations spell it (lower case)
    const body = { ...parsed, approverGroup: parsed.approverGroup.toLowerCase(), cloud };
    const before = await store.list({ requester: body.requester });
    const approval = await store.createOrGet(body);
    if (deps.notify && !before.some(a => a.id === approval.id)) {
      await deps.notify(approval);
    }
    res.status(201).json({ approval });
  });

  return router;
}
