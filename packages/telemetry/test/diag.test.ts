import { describe, expect, test } from 'vitest'
import { createOnceLogger } from '../src/diag.ts'

const capture = (endpoint?: string) => {
  const lines: string[] = []
  const logger = createOnceLogger({
    prefix: 'maze-agent telemetry',
    write: (l) => lines.push(l),
    ...(endpoint === undefined ? {} : { endpoint }),
  })
  return { lines, logger }
}

describe('createOnceLogger', () => {
  test('prints the first warning or error as one line and drops the rest', () => {
    const { lines, logger } = capture()
    logger.info('starting')
    logger.debug('details')
    logger.error('export failed', new Error('socket hang up'))
    logger.warn('again')
    logger.error('and again')
    expect(lines).toEqual([
      'maze-agent telemetry: export failed socket hang up (further telemetry warnings are not shown; OTEL_LOG_LEVEL=warn shows them all)\n',
    ])
  })

  test('an exception logged as JSON by the SDK error handler shows its message, and a refused connection names the endpoint', () => {
    const { lines, logger } = capture('http://localhost:4318')
    logger.error(
      JSON.stringify({
        stack: 'Error: connect ECONNREFUSED 127.0.0.1:4318\n    at TCPConnectWrap',
        message: 'connect ECONNREFUSED 127.0.0.1:4318',
        code: 'ECONNREFUSED',
      }),
    )
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(
      'maze-agent telemetry: connect ECONNREFUSED 127.0.0.1:4318; is an OTLP collector listening at http://localhost:4318? ' +
        '(further telemetry warnings are not shown; OTEL_LOG_LEVEL=warn shows them all)\n',
    )
  })

  test('one line, however long or multi-line the message', () => {
    const { lines, logger } = capture()
    logger.warn(`first\nsecond ${'x'.repeat(1000)}`)
    expect(lines[0]!.split('\n')).toHaveLength(2) // the line and its terminating newline
    expect(lines[0]!.length).toBeLessThan(450)
  })
})
