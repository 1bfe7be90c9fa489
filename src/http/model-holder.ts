// The models the API serves from memory, behind one interface for /ready and hot reload. Each part
// (deal-win scoring, customer scoring) refreshes itself: a new active version is swapped in only
// once it has loaded, so requests in flight keep the model they started with and none fails.
import type { CustomerScoring } from '../services/customers/score-customers';
import type { WinScoring } from '../services/win/score-deals';
import type { ModelHolder, ModelReadiness } from './context';

export interface ModelPart {
  refresh(): Promise<unknown>;
  readiness(): ModelReadiness[];
}

export function winPart(win: WinScoring): ModelPart {
  return {
    refresh: () => win.refresh(),
    readiness() {
      const active = win.models.get('win');
      const failure = win.models.errors.win;
      if (active) {
        return [
          {
            name: 'win',
            state: 'loaded',
            version: active.info.version,
            ...(failure ? { message: `v${failure.version} failed to load (${failure.error}); v${active.info.version} keeps serving` } : {}),
          },
        ];
      }
      if (failure) return [{ name: 'win', state: 'failed', version: failure.version, message: failure.error }];
      return [
        {
          name: 'win',
          state: 'fallback',
          version: null,
          message: 'no trained deal-win model is active; scores come from the stage baseline',
        },
      ];
    },
  };
}

/** The customer models (churn, clv) held by CustomerScoring; a missing one is reported as `none`. */
export function customerPart(customers: CustomerScoring): ModelPart {
  return {
    refresh: () => customers.refresh(),
    readiness() {
      const loaded = customers.loaded();
      return (['churn', 'clv'] as const).map((name): ModelReadiness => {
        const active = loaded[name];
        const failure = loaded.errors.find((e) => e.startsWith(`active ${name} `));
        if (active)
          return {
            name,
            state: 'loaded',
            version: active.info.version,
            ...(failure ? { message: `${failure}; v${active.info.version} keeps serving` } : {}),
          };
        if (failure) return { name, state: 'failed', version: null, message: failure };
        return {
          name,
          state: 'none',
          version: null,
          message: `no ${name} model is trained (npx salescast train ${name}); its figures are left empty`,
        };
      });
    },
  };
}

export function combineModels(parts: ModelPart[]): ModelHolder {
  let refreshedOnce = false;
  return {
    async refresh() {
      const results = await Promise.allSettled(parts.map((p) => p.refresh()));
      refreshedOnce = true;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return results;
    },
    readiness: () => parts.flatMap((p) => p.readiness()),
    isReady: () => refreshedOnce && parts.every((p) => p.readiness().every((m) => m.state !== 'failed')),
  };
}
