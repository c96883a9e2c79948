import { generateMaze, renderMap, solve, type Maze } from '@maze-sim/maze'
import type { InjectOptions } from 'fastify'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp, type ModelApp } from '../src/app.ts'
import { buildCellViewTable } from '../src/cell-views.ts'
import { movesBodyLimit } from '../src/moves-body.ts'
import { CellView, ErrorBody } from '../src/schemas.ts'

const JSON_TYPE = /^application\/json/

/** A 4xx/5xx answer: JSON, the stable code, a message, never a 5xx for a client's mistake. */
function expectError(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status })
  expect(response.headers['content-type']).toMatch(JSON_TYPE)
  const body = JSON.parse(response.body) as { error: string; message: string }
  expect(Value.Check(ErrorBody, body)).toBe(true)
  expect(body.error).toBe(code)
  expect(body.message.length).toBeGreaterThan(0)
  return body
}

describe('before the maze is set', () => {
  let model: ModelApp
  beforeAll(async () => {
    model = await buildApp()
  })
  afterAll(() => model.app.close())

  test.each([
    ['GET', '/maze/size'],
    ['GET', '/maze/start'],
    ['GET', '/maze/pos/0/0'],
    ['GET', '/maze/pos/abc/0'],
    ['GET', '/maze/map'],
    ['POST', '/maze/map'],
    ['GET', '/maze/meta'],
  ] as const)('%s %s answers 503 with Retry-After', async (method, url) => {
    const response = await model.app.inject({ method, url, payload: method === 'POST' ? [[0, 0]] : undefined })
    expectError(response, 503, 'MAZE_ERR_NOT_READY')
    expect(response.headers['retry-after']).toBe('1')
  })

  test('GET /health/ready', async () => {
    const response = await model.app.inject({ url: '/health/ready' })
    expectError(response, 503, 'MAZE_ERR_NOT_READY')
  })

  test('GET /health/live', async () => {
    const response = await model.app.inject({ url: '/health/live' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'live' })
  })

  test('GET /', async () => {
    const response = await model.app.inject({ url: '/' })
    expect(response.statusCode).toBe(200)
  })
})

// The app with a 13 x 7 maze (seed 42), for the 'with a maze' blocks: each builds it before its tests
// and closes it after them (withMaze), so the blocks share these names rather than a setup.
let mazeModel: ModelApp
let maze: Maze
const inject = (options: InjectOptions) => mazeModel.app.inject(options)

/** Builds the app and sets the maze before the enclosing block's tests; closes it after them. */
function withMaze(): void {
  beforeAll(async () => {
    mazeModel = await buildApp()
    maze = generateMaze({ width: 13, height: 7, seed: 42 })
    expect(mazeModel.isReady).toBe(false)
    mazeModel.setMaze(maze, solve(maze).optimalSteps)
    expect(mazeModel.isReady).toBe(true)
  })
  afterAll(() => mazeModel.app.close())
}

describe('with a maze', () => {
  withMaze()

  test('GET /', async () => {
    const response = await inject({ url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('<p>Hello, Maze!</p>')
    expect(response.body).toContain('/openapi.json')
  })

  test('GET /health/live', async () => {
    const response = await inject({ url: '/health/live' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'live' })
  })

  test('GET /health/ready', async () => {
    const response = await inject({ url: '/health/ready' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ready' })
  })

  test('GET /maze/size', async () => {
    const response = await inject({ url: '/maze/size' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(JSON_TYPE)
    expect(response.body).toBe('{"width":13,"height":7}')
  })

  test('GET /maze/start', async () => {
    const response = await inject({ url: '/maze/start' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(JSON_TYPE)
    expect(response.json()).toEqual({ x: maze.start.x, y: maze.start.y })
  })

  test('GET /maze/meta', async () => {
    const response = await inject({ url: '/maze/meta' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(JSON_TYPE)
    expect(response.json()).toEqual({ width: 13, height: 7, seed: 42, optimalSteps: solve(maze).optimalSteps })
    expect(response.body).not.toMatch(/key|exit/i)
  })
})

describe('with a maze: GET /maze/pos', () => {
  withMaze()

  test('GET /maze/pos/:y/:x agrees with Maze.cell on every cell', async () => {
    for (let y = 0; y < maze.height; y++) {
      for (let x = 0; x < maze.width; x++) {
        const response = await inject({ url: `/maze/pos/${y}/${x}` })
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-type']).toMatch(JSON_TYPE)
        const body = JSON.parse(response.body) as Record<string, unknown>
        expect(Object.keys(body)).toEqual(['here', 'up', 'down', 'left', 'right'])
        expect(body).toEqual(maze.cell(x, y))
        for (const side of ['up', 'down', 'left', 'right']) expect(Number.isInteger(body[side])).toBe(true)
        expect(Value.Check(CellView, body)).toBe(true)
      }
    }
  })

  test('GET /maze/pos/:y/:x labels S, E and K (y before x)', async () => {
    for (const [label, p] of [
      ['S', maze.start],
      ['E', maze.exit],
      ['K', maze.key],
    ] as const) {
      const response = await inject({ url: `/maze/pos/${p.y}/${p.x}` })
      expect(response.json()).toMatchObject({ here: label })
    }
  })

  test('GET /maze/pos/:y/:x accepts leading zeros, as the original', async () => {
    const response = await inject({ url: '/maze/pos/003/0004' })
    expect(response.json()).toEqual(maze.cell(4, 3))
  })

  test('GET /maze/pos/:y/:x every possible answer matches the schema', () => {
    for (const view of buildCellViewTable()) expect(Value.Check(CellView, view)).toBe(true)
  })

  test.each([
    ['1.5', '0'],
    ['0', '1.5'],
    ['abc', '0'],
    ['0', 'abc'],
    ['-1', '0'],
    ['0', '-1'],
    ['1e3', '0'],
    ['0', '1e1'],
    ['0x1', '0'],
    ['%201', '0'],
    ['1%20', '0'],
    ['+1', '0'],
    ['99999999999999999999', '0'],
    ['0', '9'.repeat(500)],
    ['Infinity', '0'],
    ['NaN', '0'],
  ])('GET /maze/pos/%s/%s is MAZE_ERR_BAD_COORDINATE', async (y, x) => {
    const body = expectError(await inject({ url: `/maze/pos/${y}/${x}` }), 400, 'MAZE_ERR_BAD_COORDINATE')
    expect(body.message).toMatch(/integer/)
  })

  test.each([
    ['7', '0'],
    ['0', '13'],
    ['7', '13'],
    ['100000', '0'],
    ['0', '999999999999999'],
  ])('GET /maze/pos/%s/%s is MAZE_ERR_OUT_OF_BOUNDS with the valid ranges', async (y, x) => {
    const body = expectError(await inject({ url: `/maze/pos/${y}/${x}` }), 400, 'MAZE_ERR_OUT_OF_BOUNDS')
    expect(body.message).toContain('x must be 0..12 and y 0..6')
  })
})

describe('with a maze: GET and POST /maze/map', () => {
  withMaze()

  test('GET /maze/map', async () => {
    const response = await inject({ url: '/maze/map' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toBe(`<pre>${renderMap(maze)}</pre>`)
    // Cached after the first answer: the same again.
    expect((await inject({ url: '/maze/map' })).body).toBe(response.body)
  })

  test('POST /maze/map', async () => {
    const moves: [number, number][] = [
      [maze.start.x, maze.start.y],
      [0, 0],
      [1, 0],
      [0, 0],
      [12, 6],
      [maze.key.x, maze.key.y],
    ]
    const response = await inject({ method: 'POST', url: '/maze/map', payload: moves })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(response.body).toBe(renderMap(maze, moves))
    expect(response.body).toContain('*')
  })

  test('POST /maze/map with the body the Python agent sends (requests json=, spaces after commas)', async () => {
    const moves: [number, number][] = Array.from({ length: 20 }, (_, i) => [i % 13, Math.floor(i / 13)])
    const payload = `[${moves.map(([x, y]) => `[${x}, ${y}]`).join(', ')}]`
    const response = await inject({ method: 'POST', url: '/maze/map', payload, headers: { 'content-type': 'application/json' } })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(renderMap(maze, moves))
  })

  test('POST /maze/map with no moves', async () => {
    const response = await inject({ method: 'POST', url: '/maze/map', payload: [] })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(renderMap(maze))
  })

  test('POST /maze/map with numbers JSON allows but the fast path does not (1.0, 1e0, -0)', async () => {
    const payload = '[[1.0, 2], [1e0, 3], [-0, 4], [0.5e1, 1E0]]'
    const response = await inject({
      method: 'POST',
      url: '/maze/map',
      payload,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(
      renderMap(maze, [
        [1, 2],
        [1, 3],
        [0, 4],
        [5, 1],
      ]),
    )
  })
})

describe('with a maze: POST /maze/map bodies', () => {
  withMaze()

  test.each([
    ['[[1,2]', 'MAZE_ERR_BAD_JSON'],
    ['[[1,2],]', 'MAZE_ERR_BAD_JSON'],
    ['[[01,2]]', 'MAZE_ERR_BAD_JSON'],
    ['[[1,2]] x', 'MAZE_ERR_BAD_JSON'],
    ["[[1,2]]'", 'MAZE_ERR_BAD_JSON'],
    ['{bad', 'MAZE_ERR_BAD_JSON'],
    ['', 'MAZE_ERR_BAD_JSON'],
    ['   ', 'MAZE_ERR_BAD_JSON'],
    ['[[-,1]]', 'MAZE_ERR_BAD_JSON'],
    ['{}', 'MAZE_ERR_BAD_BODY'],
    ['null', 'MAZE_ERR_BAD_BODY'],
    ['42', 'MAZE_ERR_BAD_BODY'],
    ['"[[1,2]]"', 'MAZE_ERR_BAD_BODY'],
    ['[[1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1,2,3]]', 'MAZE_ERR_BAD_BODY'],
    ['[[]]', 'MAZE_ERR_BAD_BODY'],
    ['[1,2]', 'MAZE_ERR_BAD_BODY'],
    ['[["a",1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1,"2"]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1.5,2]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1,2e-1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[true,1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[null,1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1,2],[3,[4]]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1,2],{"x":1,"y":2}]', 'MAZE_ERR_BAD_BODY'],
    ['[[[1,2]]]', 'MAZE_ERR_BAD_BODY'],
    ['[[1e400,2]]', 'MAZE_ERR_BAD_BODY'],
    ['[[13,0]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    ['[[0,7]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    ['[[-1,0]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    ['[[0,-1]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    ['[[0,0],[99999999999999999999999,0]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    ['[[1e2,0]]', 'MAZE_ERR_OUT_OF_BOUNDS'],
    // Precedence: malformed JSON, then wrong shape, then out of bounds.
    ['[[99,0],["a",1]]', 'MAZE_ERR_BAD_BODY'],
    ['[[99,0],[1,2]', 'MAZE_ERR_BAD_JSON'],
  ])('POST /maze/map %j is %s', async (payload, code) => {
    const response = await inject({ method: 'POST', url: '/maze/map', payload, headers: { 'content-type': 'application/json' } })
    const body = expectError(response, 400, code)
    if (code === 'MAZE_ERR_BAD_BODY') expect(body.message).toContain('expected a JSON array of [x, y] integer pairs')
    if (code === 'MAZE_ERR_OUT_OF_BOUNDS') expect(body.message).toContain('x must be 0..12 and y 0..6')
  })

  test('POST /maze/map says where the body went wrong', async () => {
    const response = await inject({
      method: 'POST',
      url: '/maze/map',
      payload: '[[1,2],[3,4],["a",1]]',
      headers: { 'content-type': 'application/json' },
    })
    expect(expectError(response, 400, 'MAZE_ERR_BAD_BODY').message).toContain('body[2][0]')
  })

  test('POST /maze/map names a number too large for JSON numbers instead of printing null', async () => {
    const response = await inject({
      method: 'POST',
      url: '/maze/map',
      payload: '[[1e400,2]]',
      headers: { 'content-type': 'application/json' },
    })
    expect(expectError(response, 400, 'MAZE_ERR_BAD_BODY').message).toContain('a number too large to represent')
  })

  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'invalid'])(
    'POST /maze/map with Content-Type %s is MAZE_ERR_UNSUPPORTED_MEDIA_TYPE',
    async (contentType) => {
      const response = await inject({ method: 'POST', url: '/maze/map', payload: '[[0,0]]', headers: { 'content-type': contentType } })
      expectError(response, 415, 'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE')
    },
  )

  test('POST /maze/map without a body is MAZE_ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    expectError(await inject({ method: 'POST', url: '/maze/map' }), 415, 'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE')
  })

  test('POST /maze/map with a body over the limit is MAZE_ERR_BODY_TOO_LARGE', async () => {
    const limit = movesBodyLimit(maze.area)
    expect(limit).toBe(1024 * 1024)
    const pair = '[0,0],'
    const payload = `[${pair.repeat(Math.ceil(limit / pair.length))}[0,0]]`
    const response = await inject({ method: 'POST', url: '/maze/map', payload, headers: { 'content-type': 'application/json' } })
    expectError(response, 413, 'MAZE_ERR_BODY_TOO_LARGE')
  })

  test('POST /maze/map with a body just under the limit (walks revisit cells)', async () => {
    const pair = '[1,1],'
    const count = Math.floor((movesBodyLimit(maze.area) - 10) / pair.length)
    const payload = `[${pair.repeat(count)}[0,0]]`
    const response = await inject({ method: 'POST', url: '/maze/map', payload, headers: { 'content-type': 'application/json' } })
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(
      renderMap(maze, [
        [1, 1],
        [0, 0],
      ]),
    )
  })
})

describe('with a maze: unknown routes, methods and the OpenAPI document', () => {
  withMaze()

  test.each([
    ['GET', '/nope'],
    ['GET', '/maze'],
    ['GET', '/maze/pos/1'],
    ['GET', '/maze/pos/1/2/3'],
    ['GET', '/MAZE/SIZE'],
    ['POST', '/nope'],
  ] as const)('%s %s is MAZE_ERR_NOT_FOUND', async (method, url) => {
    const response = await inject({
      method,
      url,
      payload: method === 'POST' ? '{not json' : undefined,
      headers: { 'content-type': 'application/json' },
    })
    expectError(response, 404, 'MAZE_ERR_NOT_FOUND')
  })

  test.each([
    ['DELETE', '/maze/size', 'GET, HEAD'],
    ['POST', '/maze/pos/1/2', 'GET, HEAD'],
    ['PUT', '/maze/map', 'GET, HEAD, POST'],
    ['POST', '/health/live', 'GET, HEAD'],
  ] as const)('%s %s is MAZE_ERR_METHOD_NOT_ALLOWED', async (method, url, allow) => {
    const response = await inject({ method, url })
    expectError(response, 405, 'MAZE_ERR_METHOD_NOT_ALLOWED')
    expect(response.headers.allow).toBe(allow)
  })

  test('GET /maze/pos/%zz/1 (bad URL encoding) is a JSON 400', async () => {
    expectError(await inject({ url: '/maze/pos/%zz/1' }), 400, 'MAZE_ERR_BAD_REQUEST')
  })

  test('GET /openapi.json', async () => {
    const response = await inject({ url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(JSON_TYPE)
    const doc = JSON.parse(response.body) as {
      openapi: string
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    expect(doc.openapi).toMatch(/^3\./)
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/',
        '/episodes',
        '/episodes/{id}',
        '/episodes/{id}/moves',
        '/episodes/{id}/replay',
        '/health/live',
        '/health/ready',
        '/maze/map',
        '/maze/meta',
        '/maze/pos/{y}/{x}',
        '/maze/size',
        '/maze/start',
        '/openapi.json',
        '/view/episodes/events',
        '/view/episodes/{id}/events',
        '/view/episodes/{id}/maze',
        '/view/events',
        '/view/stats',
      ].sort(),
    )
    expect(Object.keys(doc.paths['/maze/map']!).sort()).toEqual(['get', 'post'])
    expect(Object.keys(doc.paths['/maze/pos/{y}/{x}']!.get!.responses).sort()).toEqual(['200', '400', '503'])
    expect(Object.keys(doc.paths['/maze/map']!.post!.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '429', '503'])
    expect(JSON.stringify(doc)).toContain('MAZE_ERR_OUT_OF_BOUNDS')
  })
})

describe('the central error handler', () => {
  test('GET /boom (a bug) is a 500 MAZE_ERR_INTERNAL that leaks nothing', async () => {
    const { app } = await buildApp()
    app.get('/boom', () => {
      throw new Error('secret database password in /etc/secret')
    })
    const response = await app.inject({ url: '/boom' })
    const body = expectError(response, 500, 'MAZE_ERR_INTERNAL')
    expect(response.body).not.toMatch(/secret|\/etc|at /)
    expect(body.message).toBe('internal server error')
    await app.close()
  })

  test.each([
    [{ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415, message: 'x' }, 415, 'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413, message: 'x' }, 413, 'MAZE_ERR_BODY_TOO_LARGE'],
    [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'x' }, 400, 'MAZE_ERR_BAD_JSON'],
    [{ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400, message: 'x' }, 400, 'MAZE_ERR_BAD_JSON'],
    [{ code: 'FST_ERR_VALIDATION', statusCode: 400, message: 'x' }, 400, 'MAZE_ERR_BAD_REQUEST'],
    [new SyntaxError('Unexpected token'), 400, 'MAZE_ERR_BAD_JSON'],
    [{ statusCode: 404, message: 'x' }, 404, 'MAZE_ERR_NOT_FOUND'],
    [{ statusCode: 408, message: 'x' }, 408, 'MAZE_ERR_BAD_REQUEST'],
    [{ statusCode: 502, message: 'upstream secret' }, 500, 'MAZE_ERR_INTERNAL'],
    ['a thrown string', 500, 'MAZE_ERR_INTERNAL'],
  ])('maps %j to %i %s', async (error, status, code) => {
    const { toHttpError } = await import('../src/plugins/errors.ts')
    const answer = toHttpError(error)
    expect([answer.statusCode, answer.code]).toEqual([status, code])
    if (status >= 500) expect(answer.message).toBe('internal server error')
  })
})

test('HEAD /maze/pos/:y/:x', async () => {
  const { app, setMaze } = await buildApp()
  const maze = generateMaze({ width: 3, height: 3, seed: 1 })
  setMaze(maze, solve(maze).optimalSteps)
  const response = await app.inject({ method: 'HEAD', url: '/maze/pos/1/1' })
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toMatch(JSON_TYPE)
  expect(response.body).toBe('')
  await app.close()
})
