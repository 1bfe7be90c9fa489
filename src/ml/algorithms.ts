// The classifier algorithms Salescast can train, listed statically: one place that knows how to
// create each (from its hyper-parameters) and how to load each (from its artifact). Model
// selection clones candidates through `createClassifier`; scorers load through `loadClassifier`.
// Adding an estimator = one module implementing BinaryClassifier + one line here.
import { checkArtifact } from './artifact';
import { CLASSIFIER_FORMAT_VERSION, CLASSIFIER_KIND, type BinaryClassifier, type ClassifierArtifact } from './estimator';
import { LogisticRegression, type LogisticRegressionParams } from './logistic-regression';
import { MlpClassifier, type MlpParams } from './mlp';

interface AlgorithmEntry {
  /** A new, unfitted classifier with these hyper-parameters. */
  create(params: Record<string, unknown>): BinaryClassifier;
  fromArtifact(artifact: ClassifierArtifact): BinaryClassifier;
}

export const CLASSIFIER_ALGORITHMS = {
  logistic: {
    create: (params) => new LogisticRegression(params as LogisticRegressionParams),
    fromArtifact: (a) => LogisticRegression.fromArtifact(a),
  },
  mlp: {
    create: (params) => new MlpClassifier(params as MlpParams),
    fromArtifact: (a) => MlpClassifier.fromArtifact(a),
  },
} as const satisfies Record<string, AlgorithmEntry>;

export type ClassifierAlgorithm = keyof typeof CLASSIFIER_ALGORITHMS;

export function isClassifierAlgorithm(name: string): name is ClassifierAlgorithm {
  return Object.hasOwn(CLASSIFIER_ALGORITHMS, name);
}

export function createClassifier(algorithm: string, params: Record<string, unknown> = {}): BinaryClassifier {
  if (!isClassifierAlgorithm(algorithm)) throw new Error(`unknown classifier algorithm "${algorithm}"`);
  return CLASSIFIER_ALGORITHMS[algorithm].create(params);
}

/** Rebuilds a fitted classifier from its artifact; refuses other kinds, formats and algorithms. */
export function loadClassifier(artifact: ClassifierArtifact): BinaryClassifier {
  checkArtifact(artifact, CLASSIFIER_KIND, CLASSIFIER_FORMAT_VERSION);
  if (!isClassifierAlgorithm(artifact.algorithm)) throw new Error(`unknown classifier algorithm "${artifact.algorithm}"`);
  return CLASSIFIER_ALGORITHMS[artifact.algorithm].fromArtifact(artifact);
}
