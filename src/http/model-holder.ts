// The models the API serves from memory, behind one interface for /ready and hot reload. Each part
// (deal-win scoring, customer scoring) refreshes itself: a new active version is swapped in only
// once it has loaded, so requests in flight keep the model they started with and none fails.
import { ActiveModels, type ModelRegistry } from '../ml/registry';
import { ChurnScorer, type ChurnModelArtifact } from '../services/customers/churn-scorer';
import { ClvScorer, type ClvModelArtifact } from '../services/customers/clv-scorer';
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
        return [{ name: 'win', state: 'loaded', version: active.info.version, ...(failure ? { message: `v${failure.version} failed to load (${failure.error}); v${active.info.version} keeps serving` } : {}) }];
      }
      if (failure) return [{ name: 'win', state: 'failed', version: failure.version, message: failure.error }];
      return [{ name: 'win', state: 'fallback', version: null, message: 'no trained deal-win model is active; scores come from the stage baseline' }];
    },
  };
}

/**
 * The customer models (churn, clv). Customer scoring reads the active versions itself; this part
 * loads them too so /ready can tell whether they load, and reports a missing one as `none`.
 */
export function customerModelsPart(registry: ModelRegistry): ModelPart {
  const models = new ActiveModels<unknown>(registry, {
    churn: (a) => new ChurnScorer(a as ChurnModelArtifact),
    clv: (a) => new ClvScorer(a as ClvModelArtifact),
  });
  return {
    refresh: () => models.refresh(),
    readiness: () =>
      ['churn', 'clv'].map((name): ModelReadiness => {
        const active = models.get(name);
        const failure = models.errors[name];
        if (active) return { name, state: 'loaded', version: active.info.version, ...(failure ? { message: `v${failure.version} failed to load (${failure.error}); v${active.info.version} keeps serving` } : {}) };
        if (failure) return { name, state: 'failed', version: failure.version, message: failure.error };
        return { name, state: 'none', version: null, message: `no ${name} model is trained (npx salescast train ${name}); its figures are left empty` };
      }),
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
