// What a misbehaving peer or input can make the CLI do: an AWS endpoint that never answers, a JSON
// file nested 100,000 deep, submissions Batch or the model would refuse later, negative numbers.
// Each ends with a one-line error, a stable code and the documented exit code.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clientConfig, createLogsClient, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS } from '../src/aws.ts'
import { checkJobDefinition } from '../src/check.ts'
import { runCli } from '../src/cli.ts'
import { jsonDepth, MAX_JSON_DEPTH } from '../src/template.ts'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))

/** No AWS settings from the machine running the tests. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('MAZE_BATCH_')))

/** main.ts as a process, asynchronously (the test's own server must keep accepting meanwhile); killed if the test ends first. */
const children = new Set<ReturnType<typeof spawn>>()
function runProcess(
  args: readonly string[],
  env: Record<string, string>,
  started?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...cleanEnv, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    started?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.on('error', reject)
    child.on('close', (code) => {
      children.delete(child)
      resolve({ code, stdout, stderr })
    })
  })
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} })
  return { code, stdout, stderr }
}

describe('an AWS endpoint that accepts the connection and never answers', { timeout: 60_000 }, () => {
  let server: Server
  const sockets = new Set<Socket>()
  let connections = 0
  let endpoint = ''

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
      // Reads the request and never answers.
      socket.resume()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    endpoint = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL')
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  // Fake credentials and a region in the environment; the SDK itself honours AWS_ENDPOINT_URL_BATCH.
  const awsEnv = (): Record<string, string> => ({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_ENDPOINT_URL_BATCH: endpoint,
    MAZE_BATCH_REQUEST_TIMEOUT_MS: '200',
    MAZE_BATCH_MAX_ATTEMPTS: '2',
  })

  test('status ends with BATCH_ERR_AWS (a timeout, after the configured attempts), exit 3', async () => {
    const before = connections
    const run = await runProcess(['status', 'job-1'], awsEnv())
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^maze-batch: BATCH_ERR_AWS: DescribeJobs failed: TimeoutError: .*200 ms.* No answer from AWS after 2 attempts: check the network, the region and any AWS_ENDPOINT_URL\* setting, or allow more with --request-timeout-ms \/ --max-attempts\.\n$/,
    )
    expect(run.code).toBe(3)
    expect(connections - before).toBeGreaterThanOrEqual(1)
  })

  test('submit too, with the bound given as flags', async () => {
    const { MAZE_BATCH_REQUEST_TIMEOUT_MS: _t, MAZE_BATCH_MAX_ATTEMPTS: _a, ...env } = awsEnv()
    const run = await runProcess(['submit', '--queue', 'q', '--request-timeout-ms', '200', '--max-attempts', '1'], env)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /\nmaze-batch: BATCH_ERR_AWS: SubmitJob maze-sim-default failed: TimeoutError: .* No answer from AWS after 1 attempt: /,
    )
    expect(run.code).toBe(3)
  })

  test('every client gets the bound: a deadline per attempt and a number of attempts', async () => {
    expect(clientConfig()).toMatchObject({
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      requestHandler: {
        requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
        socketTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
      extensions: [expect.objectContaining({ configure: expect.any(Function) })],
    })
    const logs = createLogsClient({ region: 'eu-west-1', maxAttempts: 2, requestTimeoutMs: 500 })
    try {
      expect(await logs.config.maxAttempts()).toBe(2)
    } finally {
      logs.destroy()
    }
  })

  test('a bad bound is a usage error naming the flag or the variable', async () => {
    expect(await cli('status', 'j', '--request-timeout-ms', '0')).toMatchObject({
      code: 2,
      stderr:
        'maze-batch: BATCH_ERR_USAGE: --request-timeout-ms="0" is not allowed: expected a time in milliseconds, an integer from 1 to 600000\n',
    })
    let stderr = ''
    const code = await runCli(['status', 'j'], { stdout: () => {}, stderr: (t) => (stderr += t), env: { MAZE_BATCH_MAX_ATTEMPTS: '100' } })
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: MAZE_BATCH_MAX_ATTEMPTS="100" is not allowed: expected an integer from 1 to 10\n',
    })
  })
})

// The SDK's own requestTimeout and socketTimeout measure silences: an answer that trickles in a byte
// at a time never trips them. The deadline per attempt (attemptDeadline in aws.ts) does.
describe('an AWS endpoint that sends its headers, then one byte at a time', { timeout: 60_000 }, () => {
  let server: HttpServer
  let endpoint = ''
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '100000' })
      res.write(' ')
      const drip = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(drip))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    endpoint = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL')
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  // AWS_ENDPOINT_URL: every service (Batch, CloudFormation) is this server.
  const awsEnv = (): Record<string, string> => ({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_ENDPOINT_URL: endpoint,
  })

  test('status ends at its deadline with BATCH_ERR_AWS, exit 3, after the configured attempts', async () => {
    const run = await runProcess(['status', 'job-1', '--request-timeout-ms', '300', '--max-attempts', '2'], awsEnv())
    expect(run).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'maze-batch: BATCH_ERR_AWS: DescribeJobs failed: TimeoutError: no complete answer within 300 ms. No answer from AWS after 2 attempts: check the network, the region and any AWS_ENDPOINT_URL* setting, or allow more with --request-timeout-ms / --max-attempts.\n',
    })
  })

  test('submit (not a dry run) too: SubmitJob ends with BATCH_ERR_AWS, exit 3', async () => {
    const run = await runProcess(['submit', '--queue', 'q', '--request-timeout-ms', '300', '--max-attempts', '1'], awsEnv())
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /\nmaze-batch: BATCH_ERR_AWS: SubmitJob maze-sim-default failed: TimeoutError: no complete answer within 300 ms\. No answer from AWS after 1 attempt: /,
    )
    expect(run.code).toBe(3)
  })

  test('submit without --queue: DescribeStacks is bounded the same way', async () => {
    const run = await runProcess(['submit', '--dry-run', '--request-timeout-ms', '300', '--max-attempts', '1'], awsEnv())
    expect(run.stderr).toMatch(
      /^maze-batch: BATCH_ERR_AWS: DescribeStacks maze-sim failed: TimeoutError: no complete answer within 300 ms\./,
    )
    expect(run.code).toBe(3)
  })

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`one ${signal} while a call is under way ends the command: BATCH_ERR_INTERRUPTED, exit ${code}`, async () => {
      // The default deadline (15 s a try, 3 tries) would hold the call far longer than the signal takes.
      const asked = once(server, 'request')
      const run = runProcess(['status', 'job-1'], awsEnv(), (child) => {
        void asked.then(() => child.kill(signal))
      })
      expect(await run).toEqual({
        code,
        stdout: '',
        stderr: `maze-batch: ${signal}: stopping (again to exit at once)\nmaze-batch: BATCH_ERR_INTERRUPTED: DescribeJobs stopped: interrupted (${signal})\n`,
      })
    })
  }

  test('watch: one SIGTERM during a call ends it with exit 143', async () => {
    const asked = once(server, 'request')
    const run = runProcess(['watch', 'job-1'], awsEnv(), (child) => {
      void asked.then(() => child.kill('SIGTERM'))
    })
    const { code, stderr } = await run
    expect({ code, stderr: stderr.split('\n').filter((l) => l.startsWith('maze-batch:')) }).toEqual({
      code: 143,
      stderr: [
        'maze-batch: SIGTERM: stopping (again to exit at once)',
        'maze-batch: BATCH_ERR_INTERRUPTED: DescribeJobs stopped: interrupted (SIGTERM)',
      ],
    })
  })
})

describe('check on a JSON file nested 100,000 deep', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'maze-batch-deep-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const depth = 100_000

  test('arrays inside the definition: BATCH_ERR_TEMPLATE, exit 2, no stack trace', async () => {
    const file = join(dir, 'deep.json')
    writeFileSync(file, `{"jobDefinitionName":"x","parameters":${'['.repeat(depth)}${']'.repeat(depth)}}`)
    const run = await runProcess(['check', file], {})
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `maze-batch: BATCH_ERR_TEMPLATE: ${file} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; a job definition needs about 8\n`,
    })
  })

  test('objects, and arrays at the top: the same', async () => {
    for (const [name, text] of [
      ['objects.json', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`],
      ['arrays.json', `${'['.repeat(depth)}${']'.repeat(depth)}`],
    ] as const) {
      const file = join(dir, name)
      writeFileSync(file, text)
      expect(await cli('check', file)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^maze-batch: BATCH_ERR_TEMPLATE: .* nests arrays and objects more than 64 levels deep/),
      })
      expect(await cli('register', '--file', file, '--dry-run')).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/BATCH_ERR_TEMPLATE/),
      })
    }
  })

  test('a deep value built in memory gets a problem from checkJobDefinition, not a stack overflow', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < depth; i++) deep = [deep]
    const problems = checkJobDefinition({ jobDefinitionName: 'x', type: 'container', parameters: { deep } })
    expect(problems.filter((p) => p.rule === 'too-deep')).toHaveLength(1)
  })

  test('jsonDepth skips brackets inside strings', () => {
    expect(jsonDepth('{"a": "[[[{{{", "b": [[1]], "c": "\\"["}')).toBe(3)
    expect(jsonDepth('"[[["')).toBe(0)
    expect(jsonDepth('[[[[[', 3)).toBe(4)
  })
})

describe('submit --dry-run refuses what would fail later', () => {
  const submit = (...args: string[]) => cli('submit', '--queue', 'q', '--dry-run', ...args)

  test('sizes by the model rule: over the limit, under the minimum area', async () => {
    expect(await submit('--width', '100001', '--height', '1')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --width="100001" is not allowed: expected an integer from 1 to 100000\n',
    })
    expect(await submit('--width', '100000', '--height', '1001')).toMatchObject({
      code: 2,
      stderr:
        'maze-batch: BATCH_ERR_USAGE: --width 100000 --height 1001: width x height must be at most 100,000,000 cells, got 100000 x 1001\n',
    })
    for (const [w, h] of [
      ['1', '1'],
      ['1', '2'],
      ['2', '1'],
    ]) {
      expect(await submit('--width', w!, '--height', h!)).toMatchObject({
        code: 2,
        stderr: `maze-batch: BATCH_ERR_USAGE: --width ${w} --height ${h}: width x height must be at least 3 cells (room for a start, a key and an exit), got ${w} x ${h}\n`,
      })
    }
    expect(await submit('--width', '1', '--height', '3')).toMatchObject({ code: 0 })
  })

  test('--env model:MAZE_WIDTH / MAZE_HEIGHT get the same size rule (the --env wins over --width/--height)', async () => {
    const expected = 'expected width and height are integers from 1 to 100000, with width x height from 3 to 100,000,000 cells'
    expect(await submit('--env', 'model:MAZE_WIDTH=0')).toMatchObject({
      code: 2,
      stderr: `maze-batch: BATCH_ERR_USAGE: --env model:MAZE_WIDTH="0" is not allowed: ${expected}\n`,
    })
    expect(await submit('--env', 'model:MAZE_HEIGHT=wide')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('MAZE_HEIGHT="wide" is not allowed'),
    })
    expect(await submit('--width', '100000', '--env', 'model:MAZE_HEIGHT=1001')).toMatchObject({
      code: 2,
      stderr:
        'maze-batch: BATCH_ERR_USAGE: --width 100000 --env model:MAZE_HEIGHT=1001: width x height must be at most 100,000,000 cells, got 100000 x 1001\n',
    })
    expect(await submit('--width', '1', '--height', '3', '--env', 'model:MAZE_HEIGHT=2')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--width 1 --env model:MAZE_HEIGHT=2: width x height must be at least 3 cells'),
    })
    // The --env replaces the flag's value: the size the model reads is 80 x 20 here.
    expect(await submit('--width', '1', '--height', '1', '--env', 'model:MAZE_WIDTH=80', '--env', 'model:MAZE_HEIGHT=20')).toMatchObject({
      code: 0,
    })
  })

  test("--env for the agent: checked by the agent's own option table, its size by the same rule", async () => {
    expect(await submit('--env', 'agent:AGENT_MAX_STEPS=0')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^maze-batch: BATCH_ERR_USAGE: --env agent:AGENT_MAX_STEPS="0" is not allowed: expected an integer from 1 to \d+ \(the agent would refuse it at start\)\n$/,
      ),
    })
    expect(await submit('--env', 'agent:AGENT_PROTOCOL=carrier-pigeon')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('AGENT_PROTOCOL'),
    })
    expect(await submit('--env', 'agent:AGENT_WIDTH=1', '--env', 'agent:AGENT_HEIGHT=2')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--env agent:AGENT_WIDTH=1 --env agent:AGENT_HEIGHT=2: width x height must be at least 3 cells'),
    })
    // A variable the agent's table does not know (a team strategy's own) passes.
    expect(await submit('--env', 'agent:TEAM_KNOB=anything', '--env', 'agent:AGENT_MAX_STEPS=500')).toMatchObject({ code: 0 })
  })
})

describe('submit --dry-run refuses what would fail later: names and numbers', () => {
  const submit = (...args: string[]) => cli('submit', '--queue', 'q', '--dry-run', ...args)

  test('--env for a container the job definition does not have', async () => {
    expect(await submit('--env', 'modle:MAZE_SEED=1')).toMatchObject({
      code: 2,
      stderr:
        'maze-batch: BATCH_ERR_USAGE: --env modle:MAZE_SEED=...: the job definition has no container "modle"; its containers are collector, model, agent\n',
    })
    expect(
      await submit('--env', 'modle:X=1', '--job-definition', 'arn:aws:batch:eu-west-1:123456789012:job-definition/maze-sim-fargate:3'),
    ).toMatchObject({ code: 2 })
    // Another definition: its containers are not known offline (Batch refuses an unknown one at SubmitJob).
    expect(await submit('--env', 'sidecar:X=1', '--job-definition', 'team-job:2')).toMatchObject({ code: 0 })
  })

  test('job names Batch refuses: longer than 128, other characters, not starting with a letter or number', async () => {
    expect(await submit('--job-name', 'a'.repeat(128))).toMatchObject({ code: 0 })
    expect(await submit('--job-name', 'a'.repeat(129))).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --job-name: a job name has at most 128 characters, this one has 129\n',
    })
    for (const name of ['my job', '_job', 'job.1', 'jöb']) {
      expect(await submit('--job-name', name)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--job-name: a job name holds only letters, numbers, hyphens and underscores'),
      })
    }
    // With --split-strategies each job gets the strategy appended: the whole name counts.
    expect(await submit('--job-name', 'a'.repeat(125), '--strategy', 'astar,random-dfs', '--split-strategies')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('this one has 131 (with the strategy appended for --split-strategies)'),
    })
  })

  test('negative numbers get the flag\'s own message, not "argument is ambiguous"', async () => {
    expect(await submit('--runs', '-1')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --runs="-1" is not allowed: expected an integer from 1 to 1000000\n',
    })
    expect(await submit('--seed', '-5')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --seed="-5" is not allowed: expected an integer from 0 to 4294967295\n',
    })
    expect(await cli('watch', 'j', '--interval', '-3')).toMatchObject({
      code: 2,
      stderr: 'maze-batch: BATCH_ERR_USAGE: --interval="-3" is not allowed: expected an integer from 1 to 3600\n',
    })
    // A value that is not a number still gets parseArgs' advice, on one line.
    expect(await submit('--job-name', '-x')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^maze-batch: BATCH_ERR_USAGE: Option '--job-name' argument is ambiguous\. .*'--job-name=-XYZ'; see maze-batch submit --help\n$/,
      ),
    })
  })
})
