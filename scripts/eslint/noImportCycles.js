// ESLint settings shared by every plugin: no import circles (issue 13). eslint-plugin-import
// needs to resolve `./x` to `./x.ts` and parse it to see a circle, hence these settings.
module.exports = {
  settings: {
    'import/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    'import/resolver': {
      node: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'] },
    },
  },
  rules: {
    'import/no-cycle': 'error',
  },
};
