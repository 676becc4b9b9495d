// Free of imports on purpose: scripts/bench/status.mjs loads it with Node's type stripping.

/**
 * A Nova-style page of a fake API: at most `limit` items (capped at Nova's default
 * `max_limit` of 1000) after `marker`, with a `<key>_links` next link while more remain.
 *
 * @public
 */
export function markerPage<T extends { id: string }>(
  all: T[],
  url: URL,
  key: string,
  linkBase: string,
): Record<string, unknown> {
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 1000));
  const marker = url.searchParams.get('marker');
  const start = marker ? all.findIndex(x => x.id === marker) + 1 : 0;
  const items = all.slice(start, start + limit);
  const body: Record<string, unknown> = { [key]: items };
  if (start + limit < all.length) {
    const next = new URL(linkBase);
    for (const [k, v] of url.searchParams) next.searchParams.set(k, v);
    next.searchParams.set('marker', items[items.length - 1].id);
    body[`${key}_links`] = [{ rel: 'next', href: next.toString() }];
  }
  return body;
}
