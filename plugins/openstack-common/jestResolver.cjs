/*
 * Test-only resolver: @kubernetes-models/flux-cd and /argo-cd (and their @kubernetes-models
 * dependencies) are ESM-only packages whose `exports` have an `import` condition only. Jest
 * resolves with `require`; for those packages alone, resolve with `import` too (the files are
 * then transpiled like any other node_modules ESM). Used by the tests that validate rendered
 * objects with the models' classes; the package code only imports their types.
 */
const ESM_ONLY = /^(@kubernetes-models\/|kubernetes-models(\/|$))/;

module.exports = (request, options) => {
  if (
    ESM_ONLY.test(request) ||
    /[\\/]@kubernetes-models[\\/]/.test(options.basedir)
  ) {
    try {
      return options.defaultResolver(request, {
        ...options,
        conditions: ['import', 'default'],
      });
    } catch {
      // fall through to the normal resolution
    }
  }
  return options.defaultResolver(request, options);
};
