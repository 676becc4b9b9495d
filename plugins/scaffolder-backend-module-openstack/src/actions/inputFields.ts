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
