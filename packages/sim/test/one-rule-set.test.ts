// The same bad value is refused the same way by every program that reads it: the model, the agent
// and `npm start` read their variables with @maze-sim/config's one set of rules.
import { readConfig as readAgentConfig } from '@maze-sim/agent'
import { readModelConfig } from '@maze-sim/model'
import { describe, expect, test } from 'vitest'
import { readSimConfig } from '../src/config.ts'

/** The message a program's reader throws for `env`, or null when it accepts it. */
function refusal(read: () => unknown): string | null {
  try {
    read()
    return null
  } catch (err) {
    return (err as Error).message
  }
}

const programs = {
  model: (env: Record<string, string>) => refusal(() => readModelConfig(env)),
  agent: (env: Record<string, string>) => refusal(() => readAgentConfig(env, [])),
  sim: (env: Record<string, string>) => refusal(() => readSimConfig([], env)),
} as const

describe('one rule set: the same variable, the same answer', () => {
  test.each([
    [{ MAZE_WIDTH: ' 80' }, ['model', 'sim'], 'MAZE_WIDTH=" 80" has spaces around it: expected width and height are integers'],
    [{ MAZE_SEED: '+5' }, ['model', 'sim'], 'MAZE_SEED="+5" is not allowed: expected an integer from 0 to 4294967295'],
    [{ MAZE_SEED: ' ' }, ['model', 'sim'], 'MAZE_SEED=" " is blank'],
    [{ PORT: '-1' }, ['model', 'sim'], 'PORT="-1" is not allowed: expected an integer from 0 to 65535'],
    [{ AGENT_STRATEGY: ' astar' }, ['agent', 'sim'], 'AGENT_STRATEGY=" astar" has spaces around it'],
    [{ AGENT_STRATEGY: '\t' }, ['agent', 'sim'], 'AGENT_STRATEGY="\\t" is blank'],
  ] as const)('%j is refused by %j with %s', (env, readers, message) => {
    for (const name of readers) expect(programs[name](env), name).toContain(message)
  })

  test('AGENT_MAX_STEPS="+5": the agent refuses a sign as the others do', () => {
    expect(programs.agent({ AGENT_MAX_STEPS: '+5' })).toBe(
      'AGENT_MAX_STEPS="+5" is not allowed: expected an integer from 1 to 9007199254740991',
    )
    expect(programs.agent({ AGENT_SEED: ' 5' })).toContain('AGENT_SEED=" 5" has spaces around it')
  })

  test('an empty variable is unset for all of them', () => {
    for (const [name, read] of Object.entries(programs))
      expect(read({ MAZE_WIDTH: '', MAZE_SEED: '', PORT: '', AGENT_STRATEGY: '', AGENT_MAX_STEPS: '' }), name).toBeNull()
  })

  test('npm start has the model’s defaults: nothing retyped', () => {
    const model = readModelConfig({}, () => 7)
    const sim = readSimConfig([], {})
    expect({ width: sim.width, height: sim.height, port: sim.port, seed: sim.seed }).toEqual({
      width: model.width,
      height: model.height,
      port: model.port,
      seed: null,
    })
    expect(sim.strategy).toBe(readAgentConfig({}, []).strategy)
  })
})
