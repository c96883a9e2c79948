import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { AgentErrorCode } from '../src/errors.ts'
import { loadStrategy } from '../src/load-strategy.ts'
import { strategies } from '../src/registry.ts'

const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url))
const FIXTURES = fileURLToPath(new URL('./fixtures/strategies/', import.meta.url))

describe('loadStrategy', () => {
  test('a built-in name gives the registered strategy', async () => {
    for (const [name, strategy] of Object.entries(strategies)) expect(await loadStrategy(name)).toBe(strategy)
  })

  test('a package name is resolved from the working directory', async () => {
    const strategy = await loadStrategy('@maze-sim/example-strategy', { cwd: AGENT_DIR })
    expect(strategy.name).toBe('wall-follower')
  })

  test('a relative path, an absolute path and a file: URL load the module', async () => {
    const relative = await loadStrategy('./test/fixtures/strategies/good.mjs', { cwd: AGENT_DIR })
    expect(relative.name).toBe('fixture-first-open')
    expect((await loadStrategy(`${FIXTURES}good.mjs`)).name).toBe('fixture-first-open')
    expect((await loadStrategy(pathToFileURL(`${FIXTURES}good.mjs`).href)).name).toBe('fixture-first-open')
  })

  test('a strategy without a description gets an empty one', async () => {
    const strategy = await loadStrategy(`${FIXTURES}no-description.mjs`)
    expect(strategy).toMatchObject({ name: 'fixture-no-description', description: '' })
    expect(
      strategy.create({ width: 1, height: 3, start: { x: 0, y: 0 }, random: { nextUint32: () => 0, float: () => 0, int: () => 0 } }).next,
    ).toBeTypeOf('function')
  })

  test('a missing package fails with AGENT_ERR_STRATEGY_LOAD naming the specifier, with the cause', async () => {
    const error = await loadStrategy('@acme/no-such-strategy', { cwd: AGENT_DIR }).catch((err: unknown) => err)
    expect(error).toMatchObject({ code: AgentErrorCode.StrategyLoad })
    const message = (error as Error).message
    expect(message).toContain('"@acme/no-such-strategy"')
    expect(message).toContain('random-dfs, astar')
    expect(message).toContain('as `default` or as `strategy`')
    expect((error as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' })
  })

  test('a missing file fails with AGENT_ERR_STRATEGY_LOAD with the cause', async () => {
    const error = await loadStrategy('./nowhere/strategy.js', { cwd: AGENT_DIR }).catch((err: unknown) => err)
    expect(error).toMatchObject({ code: AgentErrorCode.StrategyLoad, message: expect.stringContaining('"./nowhere/strategy.js"') })
    expect((error as Error).cause).toBeInstanceOf(Error)
  })

  test('a module with a wrong export fails with AGENT_ERR_STRATEGY_LOAD saying what it exports', async () => {
    const error = await loadStrategy(`${FIXTURES}wrong-export.ts`).catch((err: unknown) => err)
    expect(error).toMatchObject({ code: AgentErrorCode.StrategyLoad })
    expect((error as Error).message).toMatch(/exports (default, notAStrategy|notAStrategy, default), and none of it is a Strategy/)
  })

  test('an empty specifier fails with AGENT_ERR_STRATEGY_LOAD', async () => {
    await expect(loadStrategy(' ')).rejects.toMatchObject({ code: AgentErrorCode.StrategyLoad })
  })
})
