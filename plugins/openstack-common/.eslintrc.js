module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // no import circles (issue 13): a module and what it imports form a tree
    'import/no-cycle': 'error',
    // fast-check's fc.assert throws with a counterexample when a property fails: it is an assertion.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'fc.assert'] },
    ],
  },
});
