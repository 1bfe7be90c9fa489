// TensorFlow.js set-up: the wasm backend (SIMD, single-threaded in Node) trains an MLP about four
// times faster than the pure-JS cpu backend; tfjs-node cannot be installed on these machines.
// The .wasm binaries ship inside @tensorflow/tfjs-backend-wasm's dist folder. Falls back to cpu.
import path from 'node:path';

type Tf = typeof import('@tensorflow/tfjs');
let ready: Promise<Tf> | null = null;

export function tensorflow(): Promise<Tf> {
  ready ??= (async () => {
    const tf: Tf = require('@tensorflow/tfjs');
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend refused');
    } catch {
      await tf.setBackend('cpu');
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}

export function tensorflowVersions(): Record<string, string> {
  const tf = require('@tensorflow/tfjs') as Tf;
  return { '@tensorflow/tfjs': tf.version.tfjs, backend: tf.getBackend() ?? 'none' };
}
