// What an API key may do. A leaf module (no imports): the CLI describes `keys create` and the HTTP
// layer checks scopes without loading the key store.
export const API_SCOPES = ['scores:read', 'data:write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
