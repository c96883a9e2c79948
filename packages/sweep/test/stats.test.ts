// Known answers from R (t.test, qt, pt, wilcox.test, quantile) and textbook values.
import { describe, expect, test } from 'vitest'
import {
  erfc,
  logGamma,
  mean,
  meanInterval,
  normalUpperTail,
  pairedTTest,
  quantileSorted,
  stdev,
  studentTQuantile,
  studentTTwoSided,
  wilcoxonSignedRank,
} from '../src/stats.ts'

describe('summaries', () => {
  test('mean, sd, type-7 quantiles', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5)
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.13809, 5)
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(quantileSorted(xs, 0.5)).toBe(5.5)
    expect(quantileSorted(xs, 0.95)).toBeCloseTo(9.55, 12) // R: quantile(1:10, .95)
    expect(quantileSorted([7], 0.95)).toBe(7)
    expect(Number.isNaN(mean([]))).toBe(true)
  })
})

describe('special functions', () => {
  test('log-gamma and erfc', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9) // ln(100!)
    expect(erfc(0)).toBeCloseTo(1, 14)
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 13)
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 10)
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 12)
    expect(normalUpperTail(10) / 7.619853024160527e-24).toBeCloseTo(1, 8)
  })

  test("Student's t: quantiles and tails", () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5) // qt(.975, 4)
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5)
    expect(studentTQuantile(0.975, 499)).toBeCloseTo(1.964729, 5)
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5)
    expect(studentTTwoSided(2.776445, 4)).toBeCloseTo(0.05, 6)
    expect(studentTTwoSided(0, 10)).toBeCloseTo(1, 12)
    expect(studentTTwoSided(30, 499)).toBeLessThan(1e-100)
  })
})

describe('confidence interval and paired tests on data with a known answer', () => {
  test('t.test(1:5): mean 3, 95% CI 1.036757 to 4.963243, t = 4.2426, p = 0.01324', () => {
    const ci = meanInterval([1, 2, 3, 4, 5])
    expect(ci.mean).toBe(3)
    expect(ci.low).toBeCloseTo(1.036757, 5)
    expect(ci.high).toBeCloseTo(4.963243, 5)
    const t = pairedTTest([1, 2, 3, 4, 5])
    expect(t.t).toBeCloseTo(4.242641, 5)
    expect(t.df).toBe(4)
    expect(t.p).toBeCloseTo(0.01324, 5)
  })

  test('the sleep data (Student 1908): drug 2 − drug 1, t = 4.0621, df = 9, p = 0.002833', () => {
    const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    const t = pairedTTest(drug2.map((x, i) => x - drug1[i]!))
    expect(t.meanDifference).toBeCloseTo(1.58, 10)
    expect(t.t).toBeCloseTo(4.062128, 5)
    expect(t.p).toBeCloseTo(0.00283289, 7)
    expect(t.low).toBeCloseTo(0.7001142, 6)
    expect(t.high).toBeCloseTo(2.4598858, 6)
  })

  test('constant differences: p is 0 (or 1 when all are zero)', () => {
    expect(pairedTTest([-5, -5, -5]).p).toBe(0)
    expect(pairedTTest([0, 0, 0]).p).toBe(1)
  })

  test('Wilcoxon signed-rank: exact without ties, normal approximation with them', () => {
    // wilcox.test(1:5): V = 15, p-value = 0.0625 (exact)
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5])).toEqual({ n: 5, wPlus: 15, p: 0.0625, exact: true })
    // wilcox.test(c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30) - c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29)): V = 40, p = 0.03906
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3]
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    const exact = wilcoxonSignedRank(x.map((v, i) => v - y[i]!))
    expect(exact.wPlus).toBe(40)
    expect(exact.p).toBeCloseTo(0.0390625, 10)
    // Ties: wilcox.test(c(1, 2, 2, 3, 3, 3, -1), exact = FALSE): V = 26.5, p = 0.04032 (normal, tie- and continuity-corrected)
    const tied = wilcoxonSignedRank([1, 2, 2, 3, 3, 3, -1])
    expect(tied.exact).toBe(false)
    expect(tied.wPlus).toBe(26.5)
    expect(tied.p).toBeCloseTo(0.04032, 4)
  })

  test('a large paired sample with a known shift is detected; one without is not', () => {
    // Deterministic pseudo-noise: differences of a fixed shift plus symmetric noise.
    const noise = Array.from({ length: 500 }, (_, i) => Math.sin(i * 12.9898) * 100)
    const shifted = pairedTTest(noise.map((e) => e - 50))
    expect(shifted.meanDifference).toBeCloseTo(-50 + mean(noise), 10)
    expect(shifted.p).toBeLessThan(1e-20)
    expect(wilcoxonSignedRank(noise.map((e) => e - 50)).p).toBeLessThan(1e-15)
    const centred = noise.map((e) => e - mean(noise))
    expect(pairedTTest(centred).p).toBeGreaterThan(0.99)
  })
})
