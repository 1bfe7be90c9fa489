// The layer rules of src/ (docs/development.md, "Layers"), checked by `npm run check:deps` in
// `npm test`. Dependencies point one way:
//
//   cli, main ─▶ services ─▶ db | domain | ml ─▶ math        http ─▶ services, contracts, workers ─▶ services
//
// Every rule below is a `forbidden` one: a violation fails the check and names the rule, the
// importing file and the imported one. Shared leaves every layer may use: src/errors.ts (AppError)
// and src/config.ts (the parsed environment), except where a rule says otherwise.
//
// KNOWN_EXCEPTIONS lists imports that break a rule today and are being removed by work in
// progress (each names who removes it). The list only shrinks: empty it as that work merges.

/** Imports that break a rule below today, by rule, each with the reason and who removes it. */
const KNOWN_EXCEPTIONS = {};

const exceptionTargets = (rule) => (KNOWN_EXCEPTIONS[rule] ?? []).filter((e) => e.to).map((e) => e.to);
const exceptionSources = (rule) => (KNOWN_EXCEPTIONS[rule] ?? []).filter((e) => e.from).map((e) => e.from);
const typeOnlyTargets = (rule) => (KNOWN_EXCEPTIONS[rule] ?? []).filter((e) => e.typeOnly).map((e) => e.to);

/** A forbidden rule from one layer to paths outside what it may import (npm packages and node: builtins aside). */
function onlyImports(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: {
      pathNot: [...allowed, '^node_modules/'],
      dependencyTypesNot: ['core'],
    },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A module must not reach itself through its imports: a cycle hides which layer depends on which.',
      severity: 'error',
      from: { path: '^src/', pathNot: exceptionSources('no-cycles') },
      to: { circular: true },
    },
    {
      name: 'contracts-only-zod',
      comment: 'src/contracts is the API contract: zod schemas only (the dashboard and the OpenAPI document are built from it).',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { pathNot: ['^src/contracts/', '^node_modules/zod/'] },
    },
    onlyImports(
      'domain-is-pure',
      'src/domain is pure functions over plain data: it imports only domain, math, the error type and the input rules (src/contracts/input-rules.ts, a zod-only leaf: the canonical records follow the same text and date rules as every contract).',
      '^src/domain/',
      ['^src/domain/', '^src/math/', '^src/errors\\.ts$', '^src/contracts/input-rules\\.ts$', ...exceptionTargets('domain-is-pure')],
    ),
    // Known exceptions of domain-is-pure that are type-only must stay type-only (no rule when there are none:
    // an empty path list would match every module).
    ...(typeOnlyTargets('domain-is-pure').length
      ? [
          {
            name: 'domain-is-pure-types',
            comment: 'Known exceptions of domain-is-pure that are type-only must stay type-only.',
            severity: 'error',
            from: { path: '^src/domain/' },
            to: { path: typeOnlyTargets('domain-is-pure'), dependencyTypesNot: ['type-only'] },
          },
        ]
      : []),
    onlyImports(
      'ml-is-a-library',
      'src/ml (estimators, calibration, metrics, the registry) imports only ml, math and the error type; storage comes in through interfaces (ModelVersionStore).',
      '^src/ml/',
      ['^src/ml/', '^src/math/', '^src/errors\\.ts$', ...exceptionTargets('ml-is-a-library')],
    ),
    onlyImports('math-is-a-leaf', 'src/math (generators, optimisers, special functions, time constants) imports only math.', '^src/math/', [
      '^src/math/',
    ]),
    onlyImports(
      'db-stands-alone',
      'src/db (connection, migrations, repositories) imports only db, the generated Prisma clients, the error type and config; types of the domain only as type-only imports (prefer types declared in src/db).',
      '^src/db/',
      ['^src/db/', '^src/generated/', '^src/errors\\.ts$', '^src/config\\.ts$', '^src/domain/'],
    ),
    {
      name: 'db-domain-types-only',
      comment: 'src/db may name domain types, never call domain code.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/domain/', dependencyTypesNot: ['type-only'] },
    },
    onlyImports(
      'services-below-http',
      'src/services (use cases) import db, domain, ml, math, contracts, errors and config; never http, cli or the dashboard.',
      '^src/services/',
      ['^src/services/', '^src/db/', '^src/domain/', '^src/ml/', '^src/math/', '^src/contracts/', '^src/errors\\.ts$', '^src/config\\.ts$'],
    ),
    onlyImports(
      'http-through-services',
      'src/http routes call services only: no SQL, repositories, domain or ml internals. The Database handle is passed through to services as a type (see http-db-handle-type-only).',
      '^src/http/',
      [
        '^src/http/',
        '^src/services/',
        '^src/contracts/',
        '^src/errors\\.ts$',
        '^src/config\\.ts$',
        '^src/dashboard/',
        '^src/workers/',
        '^src/db/database\\.ts$',
      ],
    ),
    {
      name: 'http-db-handle-type-only',
      comment: 'The HTTP layer receives the open Database to hand it to services; it may name its type, never import db code.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/db/database\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    onlyImports(
      'workers-are-thin-adapters',
      "src/workers (the HTTP server's worker-thread pool, its entry and task table) runs services in threads: it imports services, opens the database (src/db/database.ts), the error type and config; no SQL, repositories, domain or ml internals.",
      '^src/workers/',
      ['^src/workers/', '^src/services/', '^src/errors\\.ts$', '^src/config\\.ts$', '^src/db/database\\.ts$'],
    ),
    onlyImports(
      'cli-through-services',
      'The CLI opens and migrates the database (src/db/database.ts, src/db/migrate.ts) and calls services; no SQL, repositories or ml internals.',
      '^src/(cli/|cli\\.ts$)',
      [
        '^src/cli/',
        '^src/cli\\.ts$',
        '^src/services/',
        '^src/domain/',
        '^src/contracts/',
        '^src/errors\\.ts$',
        '^src/config\\.ts$',
        '^src/db/(database|migrate)\\.ts$',
        '^src/http/server\\.ts$',
        '^src/main\\.ts$',
      ],
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
