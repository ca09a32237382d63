/**
 * The architecture's rules, checked by `npm run check:imports` (and by `npm test`, in
 * test/unit/architecture.test.ts): no import cycle, type-only imports included, a
 * domain that reads and writes nothing, and SQL only in src/store. See docs/architecture.md, "Layers".
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'A cycle, even through types, means two files are one concept or a shared type has no home of its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain decides; the application layer reads, writes and sends. It imports only the domain and pure libraries.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node_modules/(luxon|date-holidays)/', '^node_modules/@types/luxon/'] },
    },
    {
      name: 'sql-lives-in-store',
      comment: 'Queries, transactions and the database driver belong to src/store/; the app calls its functions.',
      severity: 'error',
      from: { path: '^src/(app|mail|templates|config|report|cli)' },
      to: { path: ['^node_modules/(sequelize|pg|sqlite3|umzug)/', '^(sequelize|pg|sqlite3|umzug)$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
