// ml-regression's helpers include ESM-only packages (is-any-array, ml-array-rescale). Node 20
// loads them at run time (require(esm)), Jest's CommonJS module system cannot. Import this file
// first in a test that reaches the run-rate or driver models: it gives Jest a CommonJS copy of
// is-any-array (the same two lines as the package) and resolves ml-regression to the two typed
// sub-packages the forecasts use, which are the very classes ml-regression re-exports.
jest.mock('is-any-array', () => ({
  isAnyArray: (value: unknown) => {
    const tag = Object.prototype.toString.call(value);
    return tag.endsWith('Array]') && !tag.includes('Big');
  },
}));
jest.mock('ml-regression', () => ({
  SimpleLinearRegression: jest.requireActual('ml-regression-simple-linear').SimpleLinearRegression,
  MultivariateLinearRegression: jest.requireActual('ml-regression-multivariate-linear'),
}));
export {};
