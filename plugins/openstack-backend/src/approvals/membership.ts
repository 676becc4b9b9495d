import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The groups a user entity is a member of: its `memberOf` relations as the catalog computed them,
 * and its `spec.memberOf` (`name`, `namespace/name` or a full group ref; a short one is in the
 * user's namespace). Asked with the backend's own credentials, so what the deciding user may see
 * of the catalog does not change the answer. A user the catalog does not know has none.
 */
export function catalogGroupsOf(catalog: CatalogService, auth: AuthService) {
  return async (userEntityRef: string): Promise<string[]> => {
    const user = await catalog.getEntityByRef(userEntityRef, { credentials: await auth.getOwnServiceCredentials() });
    if (!user || user.kind.toLowerCase() !== 'user') return [];
    const namespace = user.metadata.namespace ?? 'default';
    const fromRelations = (user.relations ?? []).filter(r => r.type === 'memberOf').map(r => r.targetRef);
    const fromSpec = ((user.spec?.memberOf as unknown[] | undefined) ?? [])
      .filter((g): g is string => typeof g === 'string')
      .map(g => {
        const [kind, rest] = g.includes(':') ? g.split(/:(.*)/s, 2) : ['group', g];
        return `${kind}:${rest.includes('/') ? rest : `${namespace}/${rest}`}`;
      });
    return [...new Set([...fromRelations, ...fromSpec].filter(g => g.toLowerCase().startsWith('group:')).map(g => g.toLowerCase()))];
  };
}
