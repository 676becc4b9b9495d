import type { ClusterClient } from './apply';
import { kubeStatusOf } from './kubeErrors';

/**
 * What {@link readSecretValues} found: the values of the keys asked for, or which Secret or keys
 * are missing (never a value in the message).
 *
 * @public
 */
export type SecretValues =
  | { found: true; values: Record<string, string> }
  | { found: false; missingKeys: string[] };

/**
 * Reads the named keys of a Secret (decoded). The values go to the caller only; nothing is
 * logged. `found: false` when the Secret or some of its keys are missing.
 *
 * @public
 */
export async function readSecretValues(
  client: ClusterClient,
  namespace: string,
  name: string,
  keys: string[],
): Promise<SecretValues> {
  let data: Record<string, string>;
  try {
    const s = await client.core.readNamespacedSecret({ name, namespace });
    data = s.data ?? {};
  } catch (e) {
    if (kubeStatusOf(e) === 404) return { found: false, missingKeys: keys };
    throw client.fail(`GET secret ${namespace}/${name}`, e);
  }
  const missingKeys = keys.filter(k => !data[k]);
  if (missingKeys.length) return { found: false, missingKeys };
  return {
    found: true,
    values: Object.fromEntries(
      keys.map(k => [k, Buffer.from(data[k], 'base64').toString('utf8')]),
    ),
  };
}

/** The labels of a Secret (not its data), or undefined when it does not exist. @public */
export async function readSecretLabels(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  try {
    const got = await client.core.readNamespacedSecret({ name, namespace });
    return got.metadata?.labels ?? {};
  } catch (e) {
    if (kubeStatusOf(e) === 404) return undefined;
    throw client.fail(`GET secret ${namespace}/${name}`, e);
  }
}

/**
 * Deletes a Secret the suite made, only when its labels say so (`labels` each match): another
 * Secret of the name is left alone and reported. Returns `deleted`, `absent` (nothing to do) or
 * `not-ours` with the labels found.
 *
 * @public
 */
export async function deleteOwnSecret(
  client: ClusterClient,
  namespace: string,
  name: string,
  labels: Record<string, string>,
): Promise<
  | { state: 'deleted' }
  | { state: 'absent' }
  | { state: 'not-ours'; labels: Record<string, string> }
> {
  const found = await readSecretLabels(client, namespace, name);
  if (!found) return { state: 'absent' };
  if (Object.entries(labels).some(([k, v]) => found[k] !== v)) {
    return { state: 'not-ours', labels: found };
  }
  try {
    await client.core.deleteNamespacedSecret({ name, namespace });
    return { state: 'deleted' };
  } catch (e) {
    if (kubeStatusOf(e) === 404) return { state: 'absent' };
    throw client.fail(`DELETE secret ${namespace}/${name}`, e);
  }
}
