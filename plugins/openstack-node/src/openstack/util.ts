import { ServiceRecord, VersionDocument } from './types';

/** Naive UTC timestamps of nova/neutron/cinder → ISO 8601 with `Z`; null stays null. */
export function utc(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
}

/** The columns Nova's and Cinder's `os-services` records share. */
export function toServiceRecord(s: any): ServiceRecord {
  return {
    binary: s.binary,
    host: s.host,
    zone: s.zone,
    status: s.status,
    state: s.state,
    updatedAt: utc(s.updated_at),
    disabledReason: s.disabled_reason ?? null,
  };
}

/** `2.93` → [2, 93]. */
export function parseMicroversion(v: string): [number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)\s*$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Negative when a < b. */
export function compareMicroversions(a: string, b: string): number {
  const pa = parseMicroversion(a);
  const pb = parseMicroversion(b);
  if (!pa || !pb) throw new Error(`not a microversion: ${!pa ? a : b}`);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/**
 * A version document from `{version: {...}}`, `{versions: [...]}` or keystone's
 * `{versions: {values: [...]}}`; with several, the CURRENT one (else the last).
 */
export function parseVersionDocument(body: any): VersionDocument | undefined {
  let v = body?.version;
  if (!v) {
    const list: any[] = Array.isArray(body?.versions)
      ? body.versions
      : body?.versions?.values ?? [];
    v =
      list.find(x => String(x?.status).toUpperCase() === 'CURRENT') ??
      list[list.length - 1];
  }
  if (!v || typeof v !== 'object') return undefined;
  const max = v.version || v.max_version || undefined;
  const min = v.min_version || undefined;
  return {
    id: String(v.id ?? ''),
    status: v.status,
    maxVersion: max ? String(max) : undefined,
    minVersion: min ? String(min) : undefined,
  };
}

/** The `marker` (and other query) of a `*_links` rel=next href, if any. */
export function nextPageQuery(
  links: unknown,
): Record<string, string> | undefined {
  if (!Array.isArray(links)) return undefined;
  const next = links.find((l: any) => l?.rel === 'next');
  if (!next?.href) return undefined;
  const url = new URL(String(next.href), 'http://placeholder.invalid');
  return Object.fromEntries(url.searchParams.entries());
}
