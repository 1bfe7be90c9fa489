// The minimisers: both Nelder-Mead coefficient sets pinned to the points the two former
// implementations reached (Holt-Winters and the customer models were fitted with them), bounds,
// and BFGS against a problem with a known minimum.
import { bfgs } from '../../src/math/optimize/bfgs';
import { nelderMead } from '../../src/math/optimize/nelder-mead';

const rosenbrock = (x: number[]) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;

describe('Nelder-Mead', () => {
  test('standard coefficients, stopping on the spread of f alone: the former forecast implementation', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], {
      coefficients: 'standard',
      initialStep: 0.5,
      fTolerance: 1e-10,
      fFloor: 1e-10,
      xTolerance: Infinity,
      restarts: 0,
      maxIterations: 600,
    });
    expect(r.x).toEqual([0.9999999999509455, 0.9999999998919025]);
    expect(r.fx).toBe(1.2383270064656439e-20);
    expect(r.converged).toBe(true);
  });

  test('adaptive coefficients with restarts: the former customer-model implementation', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1]);
    expect(r).toEqual({
      x: [0.9999999990820103, 0.9999999975439019],
      fx: 3.929742950360729e-17,
      iterations: 166,
      evaluations: 319,
      converged: true,
    });
  });

  test('keeps every point inside the bounds and finds the minimum on the boundary', () => {
    const seen: number[][] = [];
    const f = (x: number[]) => {
      seen.push(x.slice());
      return (x[0] - 3) ** 2 + (x[1] + 1) ** 2 + x[2] ** 2;
    };
    const r = nelderMead(f, [0, 0, 0], { lower: [-5, 0, -1], upper: [2, 5, 1] });
    expect(r.x[0]).toBe(2);
    expect(r.x[1]).toBe(0);
    expect(Math.abs(r.x[2])).toBeLessThan(1e-6);
    expect(r.fx).toBeCloseTo(2, 10);
    expect(seen.every((x) => x[0] >= -5 && x[0] <= 2 && x[1] >= 0 && x[1] <= 5 && x[2] >= -1 && x[2] <= 1)).toBe(true);
  });

  test('treats a non-finite objective as outside the feasible region', () => {
    const r = nelderMead((x) => (x[0] < 0 ? Number.NaN : (x[0] - 1) ** 2), [0.5]);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(() => nelderMead(rosenbrock, [])).toThrow(/at least one coordinate/);
  });
});

describe('BFGS', () => {
  test('minimises a convex quadratic with its analytic gradient', () => {
    // f = ½ xᵀAx − bᵀx with A = [[4, 1], [1, 3]], b = [1, 2]: the minimum solves Ax = b, x = (1/11, 7/11).
    const r = bfgs(
      (x) => [2 * x[0] ** 2 + x[0] * x[1] + 1.5 * x[1] ** 2 - x[0] - 2 * x[1], [4 * x[0] + x[1] - 1, x[0] + 3 * x[1] - 2]],
      [5, -5],
    );
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1 / 11, 7);
    expect(r.x[1]).toBeCloseTo(7 / 11, 7);
  });

  test('stops a coordinate at its bound', () => {
    const r = bfgs((x) => [(x[0] - 3) ** 2 + (x[1] - 1) ** 2, [2 * (x[0] - 3), 2 * (x[1] - 1)]], [0, 0], {
      lower: [-1, -1],
      upper: [2, 2],
    });
    expect(r.x[0]).toBe(2);
    expect(r.x[1]).toBeCloseTo(1, 7);
    expect(r.converged).toBe(true);
  });
});
