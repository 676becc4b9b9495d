// no import circles: scripts/eslint/noImportCycles.js
module.exports = require('@backstage/cli/config/eslint-factory')(
  __dirname,
  require('../../scripts/eslint/noImportCycles'),
);
