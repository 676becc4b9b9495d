const noImportCycles = require('../../scripts/eslint/noImportCycles');

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  ...noImportCycles,
  rules: {
    ...noImportCycles.rules,
    // fast-check's fc.assert throws with a counterexample when a property fails: it is an assertion.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'fc.assert'] },
    ],
  },
});
