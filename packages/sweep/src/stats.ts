// The few statistics a leaderboard needs, dependency-free: summaries, Student's t (for confidence
// intervals and the paired t-test) through the regularized incomplete beta function, and the
// Wilcoxon signed-rank test (exact without ties for n ≤ 50, else the normal approximation).

/** Arithmetic mean; NaN for an empty list. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  let sum = 0
  for (const x of xs) sum += x
  return sum / xs.length
}

/** Sample standard deviation (n − 1); NaN below two values. */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) ** 2
  return Math.sqrt(ss / (xs.length - 1))
}

/** Quantile q of sorted values, linear between order statistics (R's type 7, numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.ceil(h)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

export const sortNumbers = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b)

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = c[0]!
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return h
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: the two-sided p-value. */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN
  if (!Number.isFinite(t)) return 0
  return regularizedBeta(df / (df + t * t), df / 2, 0.5)
}

/** The quantile of Student's t: P(T ≤ x) = p, for 0.5 ≤ p < 1 (e.g. 0.975 for a 95% interval). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1) || !(df > 0)) return Number.NaN
  const target = 2 * (1 - p) // two-sided tail at x
  let lo = 0
  let hi = 1
  while (studentTTwoSided(hi, df) > target) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2
    if (studentTTwoSided(mid, df) > target) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** The standard normal's upper tail P(Z ≥ z), accurate far into the tail (through erfc). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2)
}

/** erfc by its continued fraction for large |x| and its series otherwise (relative error ~1e-14). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) {
    // erf series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x
    let sum = x
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum
  }
  // Continued fraction (Lentz): erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 500; n++) {
    const an = n / 2
    d = x + an * d
    d = Math.abs(d) < tiny ? tiny : d
    c = x + an / c
    c = Math.abs(c) < tiny ? tiny : c
    d = 1 / d
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f
}

/** A mean with its 95% confidence interval (Student's t). */
export interface MeanInterval {
  readonly n: number
  readonly mean: number
  readonly low: number
  readonly high: number
}

/** The mean of `xs` with a 95% t confidence interval; low = high = mean below two values. */
export function meanInterval(xs: readonly number[], level = 0.95): MeanInterval {
  const m = mean(xs)
  if (xs.length < 2) return { n: xs.length, mean: m, low: m, high: m }
  const half = (studentTQuantile(1 - (1 - level) / 2, xs.length - 1) * stdev(xs)) / Math.sqrt(xs.length)
  return { n: xs.length, mean: m, low: m - half, high: m + half }
}

/** A paired t-test on differences d = x − y. */
export interface PairedTTest {
  readonly n: number
  readonly meanDifference: number
  /** 95% confidence interval of the mean difference. */
  readonly low: number
  readonly high: number
  readonly t: number
  readonly df: number
  /** Two-sided p-value. */
  readonly p: number
}

/** Paired t-test of H0: mean(d) = 0 on the differences `d`. */
export function pairedTTest(d: readonly number[]): PairedTTest {
  const n = d.length
  const ci = meanInterval(d)
  const sd = stdev(d)
  const se = sd / Math.sqrt(n)
  let t: number
  if (n < 2) t = Number.NaN
  else if (se === 0) t = ci.mean === 0 ? 0 : Math.sign(ci.mean) * Number.POSITIVE_INFINITY
  else t = ci.mean / se
  const p = n < 2 ? Number.NaN : se === 0 ? (ci.mean === 0 ? 1 : 0) : studentTTwoSided(t, n - 1)
  return { n, meanDifference: ci.mean, low: ci.low, high: ci.high, t, df: n - 1, p }
}

/** A Wilcoxon signed-rank test on differences. */
export interface SignedRankTest {
  /** Non-zero differences (zeros are dropped, as R's wilcox.test does). */
  readonly n: number
  /** Sum of the ranks of the positive differences (R's V). */
  readonly wPlus: number
  /** Two-sided p-value. */
  readonly p: number
  readonly exact: boolean
}

/**
 * Wilcoxon signed-rank test of H0: the differences are symmetric about 0. Exact (the null
 * distribution by counting) for n ≤ 50 without ties, else the normal approximation with tie and
 * continuity corrections — the same choices as R's `wilcox.test(d)`.
 */
export function wilcoxonSignedRank(d: readonly number[]): SignedRankTest {
  const nz = d.filter((x) => x !== 0)
  const n = nz.length
  if (n === 0) return { n, wPlus: 0, p: 1, exact: true }
  const order = nz.map((x, i) => [Math.abs(x), i] as const).sort((a, b) => a[0] - b[0])
  const ranks = new Array<number>(n)
  let tieTerm = 0
  for (let i = 0; i < n; ) {
    let j = i
    while (j + 1 < n && order[j + 1]![0] === order[i]![0]) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank
    const t = j - i + 1
    tieTerm += t * t * t - t
    i = j + 1
  }
  let wPlus = 0
  for (let i = 0; i < n; i++) if (nz[i]! > 0) wPlus += ranks[i]!
  const total = (n * (n + 1)) / 2
  if (n <= 50 && tieTerm === 0) {
    // counts[s] = number of subsets of {1..n} with rank sum s (exact in doubles: at most 2^50).
    const counts = new Float64Array(total + 1)
    counts[0] = 1
    for (let r = 1; r <= n; r++) for (let s = total; s >= r; s--) counts[s]! += counts[s - r]!
    const tail = Math.min(wPlus, total - wPlus)
    let below = 0
    for (let s = 0; s <= tail; s++) below += counts[s]!
    return { n, wPlus, p: Math.min(1, (2 * below) / 2 ** n), exact: true }
  }
  const mu = total / 2
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48)
  const z = (Math.abs(wPlus - mu) - 0.5) / sigma
  return { n, wPlus, p: sigma === 0 ? 1 : Math.min(1, 2 * normalUpperTail(Math.max(0, z))), exact: false }
}
