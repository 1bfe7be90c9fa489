// The models the API serves from memory, behind one interface for /ready and hot reload. Each part
// (deal-win scoring, customer scoring) refreshes itself: a new active version is swapped in only
// once it has loaded, so requests in flight keep the model they started with and none fails.
import type { ModelHolder, ModelReadiness } from './context';
import type { WinScoring } from '../services/win/score-deals';

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
        return [{ name: 'win', state: 'loaded', version: active.info.version, ...(failure ? { message: `v${failure.version} failed to load (${failure.error}); v${active.info.version} keeps serving` } : {}) }];
      }
      if (failure) return [{ name: 'win', state: 'failed', version: failure.version, message: failure.error }];
      return [{ name: 'win', state: 'fallback', version: null, message: 'no trained deal-win model is active; scores come from the stage baseline' }];
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
