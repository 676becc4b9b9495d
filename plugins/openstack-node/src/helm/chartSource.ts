import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { Agent } from 'undici';
import { parse } from 'yaml';

/** Options of {@link checkChartSource}. @public */
export interface ChartSourceCheckOptions {
  /** Default 15 s. */
  timeoutMs?: number;
  /** The fetch implementation, default the global one. */
  fetch?: typeof fetch;
}

/** What the check found. @public */
export interface ChartSourceCheck {
  url: string;
  /** What was fetched, e.g. `https://…/index.yaml`. */
  probed: string;
  detail: string;
}

async function get(url: string, caData: string | undefined, opts: ChartSourceCheckOptions, field: string): Promise<Response> {
  const dispatcher = caData ? new Agent({ connect: { ca: caData } }) : undefined;
  try {
    return await (opts.fetch ?? fetch)(url, {
      method: 'GET',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ServiceUnavailableError(
      `${field}: chart source ${url} is not reachable: ${(e as Error).message}${
        cause ? ` (${cause.code ?? cause.message})` : ''
      }. Check the URL, the network path from the backend, and its CA`,
    );
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}

/**
 * Proves a chart source is usable before anything is created:
 * - an `https://` Helm repository: `GET <url>/index.yaml` answers 200 and lists every chart at
 *   `version`;
 * - an `oci://` registry: `GET https://<host>/v2/` answers 200 or 401 (the OCI distribution API
 *   base; 401 is the anonymous-token challenge).
 * `source` is a configured one (`openstack.chartSources`, with its CA), never a URL a user typed.
 * Throws an error naming `field`, the URL and the fix; it never quotes what the source answered.
 *
 * @public
 */
export async function checkChartSource(
  source: { url: string; version: string; caData?: string },
  charts: readonly string[],
  field: string,
  opts: ChartSourceCheckOptions = {},
): Promise<ChartSourceCheck> {
  if (source.url.startsWith('oci://')) {
    const host = source.url.slice('oci://'.length).split('/')[0];
    const probed = `https://${host}/v2/`;
    const res = await get(probed, source.caData, opts, field);
    if (res.status !== 200 && res.status !== 401) {
      throw new ServiceUnavailableError(
        `${field}: ${probed} answered HTTP ${res.status}, not an OCI registry. Use the registry's oci:// URL`,
      );
    }
    return { url: source.url, probed, detail: `OCI registry ${host} answers (HTTP ${res.status})` };
  }
  const probed = `${source.url.replace(/\/+$/, '')}/index.yaml`;
  const res = await get(probed, source.caData, opts, field);
  if (res.status !== 200) {
    throw new ServiceUnavailableError(
      `${field}: ${probed} answered HTTP ${res.status}; a Helm repository serves index.yaml. Check the URL`,
    );
  }
  let index: { entries?: Record<string, Array<{ version?: string }>> };
  try {
    index = parse(await res.text()) ?? {};
  } catch {
    // the parser's message quotes the body: say what is wrong without it
    throw new InputError(`${field}: ${probed} is not a Helm repository index (not YAML). Check the source's URL in openstack.chartSources`);
  }
  const missing = charts.filter(c => !(index.entries?.[c] ?? []).some(v => v.version === source.version));
  if (missing.length) {
    throw new InputError(
      `${field}: the Helm repository ${source.url} has no ${missing.join(', ')} chart at version ${source.version}. Use a repository that serves openstack-helm ${source.version}, or set chartSource.version to a version it has`,
    );
  }
  return { url: source.url, probed, detail: `${charts.length} charts at ${source.version} in the index` };
}
