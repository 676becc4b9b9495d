// Reads a V8 CPU profile (.cpuprofile, as the inspector's Profiler.stop returns it): where the
// sampled time went, by function (self time), for the benchmarks to print beside the file.

/** `{ totalMs, byFunction: [{ name, ms, share }] }`, the `top` functions by self time. */
export function profileSummary(profile, top = 15) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    total += dt;
    const { callFrame: f } = byId.get(id);
    const file = f.url ? f.url.split('/').pop().split('?')[0] : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const byFunction = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms, share: total ? ms / total : 0 }));
  return { totalMs: total, byFunction };
}

/** Prints a profile's summary, indented. */
export function printProfile(title, profile, top) {
  const { totalMs, byFunction } = profileSummary(profile, top);
  console.log(`  ${title}: ${totalMs.toFixed(0)} ms sampled; self time by function:`);
  for (const f of byFunction) console.log(`    ${f.ms.toFixed(1).padStart(8)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
}
