// Test helper of the approval tests (not part of the backend): example users, their groups as
// catalog entities, and the user info the permission backend gives the policy.
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';

/** Who is in which group: alice and carol the platform team, bob and dave the app team, erin the security team and the platform team. */
export const MEMBERS: Record<string, string[]> = {
  alice: ['platform-team'],
  carol: ['platform-team'],
  bob: ['app-team'],
  dave: ['app-team'],
  erin: ['security-team', 'platform-team'],
};

/** The users as the catalog holds them, with the memberOf relations it computes. */
export const users = Object.entries(MEMBERS).map(([name, groups]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(g => ({ type: 'memberOf', targetRef: `group:default/${g}` })),
}));

/** The user info the permission backend gives the policy: the user and their catalog groups. */
export const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref: string = credentials.principal.userEntityRef;
      const name = ref.split('/')[1];
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERS[name] ?? []).map(g => `group:default/${g}`)] };
    },
  }),
});
