// The toolkit's IoHost: what is printed, and the answers it gives.
import type { IoMessage, IoRequest } from '@aws-cdk/toolkit-lib'
import { BatchError } from '@maze-sim/batch'
import { describe, expect, test } from 'vitest'
import { ioHostFor, toolkitError } from '../src/toolkit.ts'

const message = (level: IoMessage<unknown>['level'], text: string, code = 'CDK_TOOLKIT_I0000'): IoMessage<unknown> =>
  ({ time: new Date(0), level, action: 'deploy', code, message: text, data: undefined }) as IoMessage<unknown>

function host(env: Record<string, string> = {}) {
  let stderr = ''
  const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), env }
  return { host: ioHostFor(io), out: () => stderr }
}

describe('ioHostFor', () => {
  test('info and above on stderr; debug and trace only with DEBUG', async () => {
    const quiet = host()
    for (const level of ['error', 'result', 'warn', 'info', 'debug', 'trace'] as const) await quiet.host.notify(message(level, level))
    expect(quiet.out()).toBe('error\nresult\nwarn\ninfo\n')
    const loud = host({ DEBUG: '1' })
    await loud.host.notify(message('trace', 'trace'))
    expect(loud.out()).toBe('trace\n')
  })

  test("questions get their default answer; the deploy's confirmation prints only its motivation", async () => {
    const { host: h, out } = host()
    const confirm = {
      ...message('info', 'a long diff...\nDo you wish to deploy these changes?', 'CDK_TOOLKIT_I5060'),
      data: { motivation: 'Stack includes security-sensitive updates' },
      defaultResponse: true,
    } as IoRequest<unknown, boolean>
    expect(await h.requestResponse(confirm)).toBe(true)
    expect(out()).toBe('Stack includes security-sensitive updates: deploying\n')
  })
})

describe('toolkitError', () => {
  test('a synth refused is BATCH_ERR_TEMPLATE; anything else BATCH_ERR_AWS; BatchErrors pass through', () => {
    expect(toolkitError(new Error('Validation failed. A copy of this report...'), 'synth')).toMatchObject({ code: 'BATCH_ERR_TEMPLATE' })
    expect(toolkitError(new Error('Stack is in UPDATE_ROLLBACK_FAILED state'), 'deploy')).toMatchObject({
      code: 'BATCH_ERR_AWS',
      message: 'deploy failed: Stack is in UPDATE_ROLLBACK_FAILED state',
    })
    const own = new BatchError('BATCH_ERR_USAGE', 'x')
    expect(toolkitError(own, 'deploy')).toBe(own)
  })
})
