// Input fields several actions share, declared once so their meaning and limits stay the same.
import type { z as zod } from 'zod/v3';

type Zod = typeof zod;

/** `cloud`: the entity ref of the cloud the action acts on. */
export const cloudRefField =
  (description = 'Entity ref of the cloud, e.g. resource:default/demo-cloud') =>
  (z: Zod) =>
    z.string({ description });

/** `timeoutMinutes`: how long the action waits, a whole number of minutes from 1 to `max`. */
export const timeoutMinutesField =
  (description: string, max: number, defaultMinutes: number) => (z: Zod) =>
    z.number({ description }).int().min(1).max(max).default(defaultMinutes);

/** `host`: a compute host's nova-compute name (maintenance, decommission). */
export const hostNameField = () => (z: Zod) => z.string({ description: "The host's nova-compute name" });

/** `parallel`: how many instances are moved off a host at a time. */
export const parallelField = (description: string, max: number, defaultCount: number) => (z: Zod) =>
  z.number({ description: `${description} (1–${max})` }).int().min(1).max(max).default(defaultCount);

/**
 * The outputs of a `planOnly` run (create, upgrade, enroll): the plan to approve, its digest,
 * and whether the cloud's lifecycle needs an approval for it (a template's `if:` on the approval step).
 */
export const approvalPlanOutputs = {
  plan: (z: Zod) =>
    z
      .record(z.string(), z.unknown())
      .describe('planOnly: the plan to approve (openstack:approval:request input.plan); the run refuses any other')
      .optional(),
  digest: (z: Zod) => z.string().describe('planOnly: the digest of that plan').optional(),
  approvalRequired: (z: Zod) =>
    z.boolean().describe("planOnly: whether the cloud's lifecycle needs an approval for it (openstack.approvals.required)").optional(),
};

/**
 * `approvalId`: the approval a run was started with. The backend adds it to the form values when
 * it starts the run on approval; the action verifies it and binds it to its task.
 */
export const approvalIdField = (z: Zod) =>
  z
    .string()
    .describe('The approval this run was started with (added by the backend on approval; empty in the request phase)')
    .optional();
