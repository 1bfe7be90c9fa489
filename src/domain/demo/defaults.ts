// The demo company's default size and seed. A leaf module (no imports): the CLI describes `salescast
// demo` without loading the generator.
export const DEMO_DEFAULTS = { seed: 42, accounts: 500, months: 24 } as const;
