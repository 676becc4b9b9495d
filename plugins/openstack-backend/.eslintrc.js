module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // no import circles (issue 13): a module and what it imports form a tree
    'import/no-cycle': 'error',
  },
});
