// Module boundaries, checked by `npm run depcruise` (part of `npm test`); README's module graph comes from the same
// cruise (`npm run docs:graph`).
//
// A module is a folder under src/. It may import:
//   - anything inside its own folder;
//   - from the modules ALLOWED names for it, only their public files (PUBLIC_FILES);
//   - nothing from any other module.
// `common` and `config` are the shared kernel: every module may use them, and they use no feature module.

/** Which modules each module may depend on, besides `common` and `config`. The graph must stay acyclic. */
const ALLOWED = {
  config: [],
  common: [],
  database: [],
  redis: [],
  gemini: [],
  health: ['redis'],
  tenant: ['redis'],
  access: ['tenant', 'redis'],
  rag: ['tenant', 'redis', 'gemini'],
  conversation: ['tenant', 'rag'],
  session: ['conversation', 'tenant', 'redis'],
  crm: ['conversation', 'tenant'],
  understanding: ['conversation', 'tenant', 'rag', 'gemini'],
  handoff: ['conversation', 'tenant', 'crm', 'redis'],
  rules: ['conversation', 'tenant', 'understanding'],
  analytics: ['session', 'tenant', 'rag', 'redis'],
  experiments: ['conversation', 'session', 'tenant'],
  chat: [
    'conversation',
    'session',
    'tenant',
    'rag',
    'crm',
    'redis',
    'gemini',
    'understanding',
    'rules',
    'analytics',
    'handoff',
    'experiments',
  ],
  simulation: ['chat', 'crm', 'conversation', 'handoff', 'session', 'tenant'],
  voice: [
    'conversation',
    'session',
    'tenant',
    'rag',
    'crm',
    'redis',
    'gemini',
    'understanding',
    'rules',
    'handoff',
    'experiments',
  ],
  // Modules record through the Metrics port in common; this module only binds and serves it.
  metrics: [],
};
const KERNEL = ['common', 'config'];
const MODULES = Object.keys(ALLOWED);

/**
 * A module's public surface, by convention: files at the top of its folder named `*.module.ts` (for Nest imports),
 * `*.port.ts`, `*.service.ts` or `*.types.ts`, its `dto/` folder, and its error catalogues (`*.errors.ts` at any depth:
 * the codes are part of the API, and src/error-codes.ts gathers them all). Repositories, entities, adapters, caches and
 * anything else in a subfolder stay private. The few other files a module hands out are listed here.
 */
const CONVENTION = String.raw`[^/]+\.(module|port|service|types)\.ts|dto/.+`;
const EXTRA_PUBLIC = {
  conversation: [String.raw`[^/]+\.ts`],
  tenant: [
    'catalog',
    'cta-tree',
    'handoff-config',
    'intents',
    'tenant-config',
    'tenant-lifecycle',
    'tenant-origin.guard',
    'tenant-origins.registry',
  ].map((f) => String.raw`${f}\.ts`),
  session: [
    ...['session-id', 'session-tokens', 'turn-record'].map((f) => String.raw`${f}\.ts`),
    // The no-Redis session store: a sandboxed conversation (simulation) keeps its session in process with it.
    String.raw`stores/memory\.session-store\.ts`,
  ],
  redis: ['redis-connection', 'redis-namespace'].map((f) => String.raw`${f}\.ts`),
  // The shared client, its retry/breaker policy and the outage classifier are what the module is for.
  gemini: ['gemini-client', 'gemini-policy', 'gemini-failure'].map((f) => String.raw`${f}\.ts`),
  // The migration runner and schema check are also the production image's migrate command (src/migrate.ts).
  database: [String.raw`embedded-postgres\.ts`, String.raw`schema-migrations\.ts`],
  // The offline intent classifier embeds with the same local embedder and tokenizer as retrieval, so "booking" and
  // "book" meet the same way in both; the classes are stateless and safe to share.
  // The unanswered-questions report clusters with the local embedder too (deterministic, no model calls), and its
  // recheck searches a question the way chat does (retrieval-query).
  rag: [
    String.raw`embeddings/local-embedding\.provider\.ts`,
    String.raw`embeddings/text-features\.ts`,
    String.raw`search/retrieval-query\.ts`,
  ],
  understanding: [String.raw`turn-context\.ts`],
  // Chat marks unanswered replies with the same rule the unanswered-questions report reads them by.
  analytics: [String.raw`unanswered-signal\.ts`],
  // What chat and voice call around a turn: the exposure record, rule variables and the cache's variant key.
  experiments: [String.raw`experiment-exposure\.ts`],
};
const publicFiles = (module) => [
  `^src/${module}/(${[CONVENTION, ...(EXTRA_PUBLIC[module] ?? [])].join('|')})$`,
  String.raw`^src/${module}/.*\.errors\.ts$`,
];

const notTests = String.raw`\.spec\.ts$`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means neither side can be understood, tested or moved without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-knows-no-feature',
      severity: 'error',
      comment: '`common` and `config` are shared by every module, so they may not depend on any of them.',
      from: { path: `^src/(${KERNEL.join('|')})/` },
      to: { path: '^src/', pathNot: `^src/(${KERNEL.join('|')})/` },
    },
    ...MODULES.filter((m) => !KERNEL.includes(m)).map((module) => ({
      name: `${module}-depends-only-on-allowed-modules`,
      severity: 'error',
      comment: `${module} may use ${[...ALLOWED[module], ...KERNEL].join(', ')}; anything else is a boundary violation.`,
      from: { path: `^src/${module}/`, pathNot: notTests },
      to: { path: '^src/[^/]+/', pathNot: `^src/(${[module, ...ALLOWED[module], ...KERNEL].join('|')})/` },
    })),
    ...MODULES.filter((m) => !KERNEL.includes(m)).map((module) => ({
      name: `${module}-is-used-through-its-public-files`,
      severity: 'error',
      comment: `Other modules import ${module} only through its module file, ports, services, errors, types and DTOs.`,
      from: { path: '^src/', pathNot: [`^src/${module}/`, notTests] },
      to: { path: `^src/${module}/`, pathNot: publicFiles(module) },
    })),
    {
      name: 'every-folder-is-a-known-module',
      severity: 'error',
      comment: 'A new folder under src/ gets its place in ALLOWED (.dependency-cruiser.cjs) before it is used.',
      from: { path: '^src/' },
      to: { path: '^src/[^/]+/', pathNot: `^src/(${MODULES.join('|')}|types)/` },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      comment: 'Application code never imports test support; only specs may.',
      from: { path: '^src/', pathNot: notTests },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/types/'] },
    // Type-only imports count: a type cycle is still a cycle between modules.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
