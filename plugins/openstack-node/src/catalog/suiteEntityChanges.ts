import { createServiceFactory, createServiceRef } from '@backstage/backend-plugin-api';

/** A change of the entities the suite keeps: an entity stored, or an entity ref removed. @public */
export type SuiteEntityChange =
  | { type: 'upsert'; entity: Record<string, unknown> }
  | { type: 'remove'; entityRef: string };

/**
 * Tells the suite's entity provider (the catalog module) at once of a change the suite's backend
 * plugin stored, so a new cloud or host reaches the catalog without waiting for the provider's
 * next full read. In-process only: one backend's plugin and provider share it (a root service);
 * other replicas learn of the change from the provider's scheduled full read of the database,
 * which is the truth. @public
 */
export interface SuiteEntityChanges {
  publish(change: SuiteEntityChange): void;
  /** Calls `listener` for each change published afterwards; returns the unsubscribe function. */
  subscribe(listener: (change: SuiteEntityChange) => void | Promise<void>): () => void;
}

/** Makes the in-process channel of suite entity changes. @public */
export function createSuiteEntityChanges(): SuiteEntityChanges {
  const listeners = new Set<(change: SuiteEntityChange) => void | Promise<void>>();
  return {
    publish(change) {
      for (const listener of listeners) {
        // a listener's failure is its own: the change is in the database and the next full read brings it
        Promise.resolve()
          .then(() => listener(change))
          .catch(() => undefined);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The one channel of suite entity changes in a backend process, shared by the suite's backend
 * plugin (which publishes) and its catalog module (which listens). @public
 */
export const suiteEntityChangesServiceRef = createServiceRef<SuiteEntityChanges>({
  id: 'openstack.suite-entity-changes',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => createSuiteEntityChanges(),
    }),
});
