// Library versions recorded with each model version (reproducibility).
export function tensorflowVersionsIfLoaded(): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  try {
    out['@tensorflow/tfjs'] = (require('@tensorflow/tfjs/package.json') as { version: string }).version;
    out['@tensorflow/tfjs-backend-wasm'] = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  } catch {
    /* not installed: logistic only */
  }
  return out;
}
