// A child's output read with bounded memory: lines split across chunks, overlong lines dropped.
import { PassThrough } from 'node:stream'
import { expect, test } from 'vitest'
import { OutputTail, readLines } from '../src/child-output.ts'

test('readLines: lines across chunks, CRLF, a last line without newline; an overlong line is dropped and counted', async () => {
  const stream = new PassThrough()
  const lines: string[] = []
  const done = readLines(stream, 10, (l) => lines.push(l))
  stream.write('ab')
  stream.write('c\nde\r\n0123456789')
  stream.write('X and more\nok\n')
  stream.end('tail')
  expect(await done).toEqual({ lines: 4, overlong: 1 })
  expect(lines).toEqual(['abc', 'de', 'ok', 'tail'])
})

test('OutputTail keeps the last lines, cut', async () => {
  const stream = new PassThrough()
  const tail = new OutputTail(stream, { maxLines: 2, maxLineChars: 5 })
  stream.end('one\ntwo\n\nthree four\n')
  await tail.done
  expect(tail.lines()).toEqual(['two', 'three…'])
  expect(tail.last('none')).toBe('three…')
})
