import { describe, expect, it } from 'vitest';
import { lbfgs, type Objective } from './lbfgs.js';

/** f(x, y) = (1 − x)² + 100·(y − x²)², minimum 0 at (1, 1): a narrow curved valley. */
const rosenbrock: Objective = (x, g) => {
  const a = x[0]!;
  const b = x[1]!;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

/** The n-dimensional Rosenbrock chain Σ 100·(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at all ones. */
const rosenbrockChain: Objective = (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i]!;
    const b = x[i + 1]!;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = g[i]! - 400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = g[i + 1]! + 200 * (b - a * a);
  }
  return f;
};

/** ½ xᵀQx − bᵀx with Q = diag(1, 10, 100, 1000, 10000): condition number 1e4, minimum at x_i = b_i / q_i. */
const Q = [1, 10, 100, 1000, 10000];
const B = [1, -2, 3, -4, 5];
const quadratic: Objective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    g[i] = Q[i]! * x[i]! - B[i]!;
    f += 0.5 * Q[i]! * x[i]! ** 2 - B[i]! * x[i]!;
  }
  return f;
};

describe('lbfgs', () => {
  it('minimizes the 2-d Rosenbrock function from the classic start (−1.2, 1)', () => {
    const r = lbfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.value).toBeLessThan(1e-12);
    // Without a curvature model, steepest descent needs thousands of steps here; L-BFGS needs tens.
    expect(r.iterations).toBeLessThan(100);
  });

  it('minimizes a 10-d Rosenbrock chain', () => {
    const x0 = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = lbfgs(rosenbrockChain, x0, { maxIterations: 2000 });
    expect(r.converged).toBe(true);
    for (const xi of r.x) expect(xi).toBeCloseTo(1, 5);
  });

  it('solves an ill-conditioned quadratic to its closed-form minimum', () => {
    // relativeTolerance 0: it stops on the gradient test or when f stops changing in float64.
    const r = lbfgs(quadratic, [0, 0, 0, 0, 0], { relativeTolerance: 0 });
    expect(r.converged).toBe(true);
    r.x.forEach((xi, i) => expect(xi).toBeCloseTo(B[i]! / Q[i]!, 8));
    expect(r.gradientNorm).toBeLessThan(1e-6);
  });

  it('every accepted step decreases f (checked through a recording objective)', () => {
    const values: number[] = [];
    const recording: Objective = (x, g) => {
      const f = rosenbrock(x, g);
      values.push(f);
      return f;
    };
    const r = lbfgs(recording, [-1.2, 1]);
    expect(r.evaluations).toBe(values.length);
    expect(r.value).toBeLessThan(values[0]!);
    expect(Math.min(...values)).toBe(r.value);
  });

  it('returns at once when started at the minimum, and reports a non-finite start', () => {
    const atMin = lbfgs(quadratic, B.map((b, i) => b / Q[i]!));
    expect(atMin.stop).toBe('gradient');
    expect(atMin.iterations).toBe(0);
    const bad = lbfgs((_x, g) => {
      g.fill(0);
      return NaN;
    }, [0]);
    expect(bad.stop).toBe('non-finite');
    expect(bad.converged).toBe(false);
  });

  it('stops at maxIterations and says so', () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(r.stop).toBe('max-iterations');
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
  });
});
