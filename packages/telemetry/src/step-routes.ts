import { ConfigProblems, fraction, read } from '@maze-sim/config'
import type { Env } from './resource.ts'

// The routes an agent calls once per step (or per batch of steps): a run makes thousands of these
// requests, a span for each would cost more than the request itself (README, "Steps"). They are
// counted in the request-duration histograms like every request; spans only for a sampled share.

/** The model's per-step routes, as Fastify routes them (`http.route`). */
export const STEP_ROUTES: ReadonlySet<string> = new Set(['/maze/pos/:y/:x', '/episodes/:id/moves'])

// The same routes as request paths, behind any prefix of the model's URL (the agent keeps one).
const STEP_PATH = /\/maze\/pos\/[^/?#]+\/[^/?#]+$|\/episodes\/[^/?#]+\/moves$/

/** True for the path (no query) of a request to a per-step route, e.g. `/maze/pos/3/4`. */
export function isStepPath(path: unknown): boolean {
  return typeof path === 'string' && STEP_PATH.test(path)
}

/** True for a Fastify route pattern that is a per-step route, e.g. `/maze/pos/:y/:x`. */
export function isStepRoute(route: string | undefined): boolean {
  return route !== undefined && STEP_ROUTES.has(route)
}

/** The variable that opts in to spans of per-step requests: a fraction from 0 to 1. */
export const STEP_SPANS_VARIABLE = 'MAZE_TELEMETRY_STEP_SPANS'

const FRACTION = fraction({ env: STEP_SPANS_VARIABLE, description: 'the share of per-step requests that get spans' })

/**
 * MAZE_TELEMETRY_STEP_SPANS as @maze-sim/config reads it: the shared `fraction` (plain digits, `0` to
 * `1`; no sign, exponent, hex or surrounding spaces), and `true` for 1 (README, "Steps").
 */
export const STEP_SPANS_OPTION = {
  ...FRACTION,
  allowed: `${FRACTION.allowed}, or true (= 1)`,
  parse: (raw: string) => (raw === 'true' ? 1 : FRACTION.parse(raw)),
} satisfies typeof FRACTION

/**
 * `MAZE_TELEMETRY_STEP_SPANS`: the share of per-step requests that get spans where the decision is
 * made (the agent's client requests; requests to the model that carry no `traceparent`). Unset or
 * empty: 0 (none). A value @maze-sim/config refuses is reported in `problems`, in the config reader's
 * words, and read as 0 (telemetry never stops a program).
 */
export function stepSpanRatio(env: Env, problems: string[] = []): number {
  try {
    return read({ ratio: STEP_SPANS_OPTION }, { env }).ratio ?? 0
  } catch (err) {
    if (!(err instanceof ConfigProblems)) throw err
    problems.push(...err.problems.map((problem) => `${problem}; no step spans`))
    return 0
  }
}
