import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import { isStrategyName, STRATEGY_NAMES, strategies } from './registry.ts'
import type { Strategy } from './strategy.ts'

export interface LoadStrategyOptions {
  /** Directory package names and relative paths are resolved from; default `process.cwd()`. */
  readonly cwd?: string
}

const MUST_EXPORT =
  'a strategy module must export a Strategy ({ name: string, description: string, create(context) => Explorer }) as `default` or as `strategy`'

const loadError = (specifier: string, why: string, cause?: unknown): AgentError =>
  new AgentError(
    AgentErrorCode.StrategyLoad,
    `cannot load strategy ${JSON.stringify(specifier)}: ${why}. Built-in strategies: ${STRATEGY_NAMES.join(', ')}; ` +
      `otherwise give a package name or a file path, and ${MUST_EXPORT}`,
    cause === undefined ? undefined : { cause },
  )

const isPathLike = (specifier: string): boolean =>
  specifier.startsWith('./') ||
  specifier.startsWith('../') ||
  specifier === '.' ||
  specifier === '..' ||
  isAbsolute(specifier) ||
  /^[A-Za-z]:[\\/]/.test(specifier)

/** The URL to import for a module specifier: a file: URL, a path, or a package name. */
function resolveSpecifier(specifier: string, cwd: string): string {
  if (specifier.startsWith('file:')) return new URL(specifier).href
  if (isPathLike(specifier)) return pathToFileURL(resolve(cwd, specifier)).href
  // A package name, resolved as the team's own project would: from the working directory.
  const require = createRequire(join(resolve(cwd), 'noop.js'))
  return pathToFileURL(require.resolve(specifier)).href
}

/** True when `value` has the shape of a Strategy. */
export function isStrategy(value: unknown): value is Strategy {
  if (typeof value !== 'object' || value === null) return false
  const s = value as Record<string, unknown>
  return typeof s.name === 'string' && s.name.length > 0 && typeof s.create === 'function'
}

function pickStrategy(mod: Record<string, unknown>): unknown {
  for (const candidate of [mod.default, mod.strategy]) if (isStrategy(candidate)) return candidate
  // A CommonJS module imported as ESM puts `module.exports` on `default`.
  const inner = mod.default as Record<string, unknown> | undefined
  if (inner && typeof inner === 'object') for (const c of [inner.default, inner.strategy]) if (isStrategy(c)) return c
  return undefined
}

/**
 * A built-in strategy by name, or the Strategy exported (as `default` or `strategy`) by a module:
 * a package name (resolved from the working directory), a relative or absolute path, or a file: URL.
 * Throws AGENT_ERR_STRATEGY_LOAD naming the specifier, with the original error as `cause`.
 */
export async function loadStrategy(specifier: string, options: LoadStrategyOptions = {}): Promise<Strategy> {
  if (isStrategyName(specifier)) return strategies[specifier]
  if (specifier.trim() === '') throw loadError(specifier, 'the specifier is empty')
  const cwd = options.cwd ?? process.cwd()
  let url: string
  try {
    url = resolveSpecifier(specifier, cwd)
  } catch (err) {
    throw loadError(specifier, `it is not a built-in name and could not be resolved from ${cwd} (${describeError(err)})`, err)
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (err) {
    throw loadError(specifier, `importing ${url} failed (${describeError(err)})`, err)
  }
  const found = pickStrategy(mod)
  if (found === undefined) {
    const keys = Object.keys(mod)
    throw loadError(specifier, `${url} exports ${keys.length ? keys.join(', ') : 'nothing'}, and none of it is a Strategy`)
  }
  const strategy = found as Strategy
  if (typeof strategy.description === 'string') return strategy
  return { name: strategy.name, description: '', create: (context) => strategy.create(context) }
}
