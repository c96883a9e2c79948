// The README's commands stop cleanly on SIGTERM and on Ctrl-C: exactly what a user runs
// (`node_modules/.bin/pnpm model`, `pnpm agent`, `npm start`), the signal sent to exactly that
// process (SIGTERM) or to the terminal (Ctrl-C, through a real pseudo-terminal made by util-linux's
// `script`). After it: the command has exited, no process it started is left (every descendant
// carries a marker in its environment, looked up in /proc), the model's port refuses connections,
// and the program logged its clean stop. Why this needs care: scripts/launch.mjs and README "Stopping".
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { freePort, modelEntry, repoRoot, start, waitForHttp } from '../support/processes.ts'

const MARKER = 'MAZE_SIM_SIGNAL_TEST'
const linux = process.platform === 'linux'
const hasScript = linux && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0
if (linux && !hasScript) {
  const message = "util-linux's `script` (Debian: bsdutils) is missing: the Ctrl-C tests need a pseudo-terminal"
  if (process.env.CI === 'true') throw new Error(`${message}; required in CI`)
  console.warn(`\n!!! SKIPPING the Ctrl-C tests: ${message}\n`)
}

interface Outcome {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A README command started as a user starts it, with everything it starts tagged by one marker. */
interface Command {
  readonly marker: string
  /** The process the user started (in a terminal: the shell's child, not `script`). */
  pid(): number
  output(): string
  readonly exited: Promise<Outcome>
  /** Ctrl-C: the terminal sends SIGINT to its foreground process group (terminal commands only). */
  interrupt(): void
}

const started: Command[] = []
afterEach(() => {
  // Whatever a failed test left: only processes carrying the marker of a command this file started.
  for (const command of started.splice(0)) for (const { pid } of processesOf(command.marker)) kill(pid, 'SIGKILL')
})

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

/** The processes whose environment holds MARKER=marker: the command and all it started. */
function processesOf(marker: string): { pid: number; ppid: number; cmd: string }[] {
  const found = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${MARKER}=${marker}`)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      found.push({ pid: Number(entry), ppid, cmd: readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' ').trim() })
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found
}

/** What the terminal's shell prints after the command: `<STATUS> <exit status>`. */
const STATUS = 'maze-sim-test: the command exited with status'

const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`

/**
 * Starts `command args` from the repository root with `env` on top of a clean environment:
 * without a terminal (own session, as a service manager or CI starts it), or in a pseudo-terminal
 * under `sh -c`, as typed at a prompt.
 */
function run(command: string, args: string[], env: Record<string, string>, { terminal = false } = {}): Command {
  const marker = randomUUID()
  const fullEnv = { ...process.env, OTEL_SDK_DISABLED: 'true', ...env, [MARKER]: marker, SHELL: '/bin/sh' }
  let child: ChildProcess
  if (terminal) {
    // script(1) runs `$SHELL -c <line>` as the session leader of a new pseudo-terminal and copies
    // our writes to it: a 0x03 there is the terminal's Ctrl-C. The shell stands for the user's
    // interactive one: it outlives the command (so a process the command leaves behind is not
    // hung up when the command ends), survives Ctrl-C (`trap`) and prints the command's status.
    const line = `trap : INT; ${[command, ...args].map(quote).join(' ')}; echo "${STATUS} $?"`
    child = spawn('script', ['--quiet', '--flush', '--command', line, '/dev/null'], {
      cwd: repoRoot,
      env: fullEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
  } else {
    child = spawn(command, args, { cwd: repoRoot, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  }
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk.replaceAll('\r', '')))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk.replaceAll('\r', '')))
  const exited = new Promise<Outcome>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!terminal) return resolve({ code, signal })
      // The command's status as the shell saw it (128 + n when a signal ended it).
      const status = new RegExp(`${STATUS} (\\d+)`).exec(output)?.[1]
      resolve(status === undefined ? { code: null, signal: null } : { code: Number(status), signal: null })
    }),
  )
  const handle: Command = {
    marker,
    pid() {
      if (!terminal) return child.pid!
      // script → sh → the command
      const shell = processesOf(marker).find((p) => p.ppid === child.pid)
      const pid = processesOf(marker).find((p) => p.ppid === shell?.pid)?.pid
      if (pid === undefined) throw new Error(`no command under script's shell yet: ${JSON.stringify(processesOf(marker))}`)
      return pid
    },
    output: () => output,
    exited,
    interrupt() {
      if (!terminal) throw new Error('Ctrl-C needs a terminal')
      child.stdin!.write('\x03')
    },
  }
  started.push(handle)
  return handle
}

/** Waits (bounded) until the output matches; fails early, with the output, if the command ended. */
async function waitForOutput(command: Command, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
  let ended = false
  void command.exited.then(() => (ended = true))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const match = pattern.exec(command.output())
    if (match !== null) return match
    if (ended) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${ended ? 'the command ended' : `no match within ${timeoutMs} ms`} before ${pattern}:\n${command.output()}`)
}

/** Waits for the command to end and for every process it started to be gone (bounded). */
async function expectAllGone(command: Command, timeoutMs = 60_000): Promise<Outcome> {
  const outcome = await Promise.race([
    command.exited,
    new Promise<'still running'>((resolve) => setTimeout(resolve, timeoutMs, 'still running')),
  ])
  expect(outcome, `the command did not exit:\n${command.output()}`).not.toBe('still running')
  // The launcher waits for its program, so nothing should be left even a moment after the exit;
  // the bound only lets a process that is already ending finish.
  let left = processesOf(command.marker)
  for (let i = 0; i < 100 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    left = processesOf(command.marker)
  }
  expect(
    left.map((p) => `${p.pid} ${p.cmd}`),
    `left running after the command exited:\n${command.output()}`,
  ).toEqual([])
  return outcome as Outcome
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
  })
}

const pnpm = `${repoRoot}/node_modules/.bin/pnpm`
const SMALL_MAZE = { MAZE_WIDTH: '12', MAZE_HEIGHT: '6', MAZE_SEED: '3' }

describe.skipIf(!linux)('README commands stop cleanly (Linux: /proc)', () => {
  describe('pnpm model', () => {
    test('SIGTERM to the pnpm process: pnpm exits 0, the model stopped cleanly, its port is closed, nothing left', async () => {
      const port = await freePort()
      const model = run(pnpm, ['model'], { ...SMALL_MAZE, PORT: String(port) })
      await waitForOutput(model, /"maze ready"/)
      kill(model.pid(), 'SIGTERM')
      const outcome = await expectAllGone(model)
      expect(outcome, model.output()).toEqual({ code: 0, signal: null })
      expect(model.output()).toMatch(/"signal":"SIGTERM","msg":"shutting down/)
      expect(model.output()).toMatch(/"msg":"stopped"/)
      expect(await refusesConnections(port)).toBe(true)
    })

    test.skipIf(!hasScript)('Ctrl-C in a terminal: the model gets one SIGINT and stops cleanly', async () => {
      const port = await freePort()
      const model = run(pnpm, ['model'], { ...SMALL_MAZE, PORT: String(port) }, { terminal: true })
      await waitForOutput(model, /"maze ready"/)
      model.interrupt()
      expect(await expectAllGone(model), model.output()).toEqual({ code: 0, signal: null })
      expect(model.output().match(/"signal":"SIGINT"/g)).toHaveLength(1)
      expect(model.output()).not.toMatch(/second signal/)
      expect(model.output()).toMatch(/"msg":"stopped"/)
      expect(await refusesConnections(port)).toBe(true)
    })

    test.skipIf(!hasScript)('SIGTERM to pnpm started in a terminal (pnpm relays it to the script, not its group)', async () => {
      const port = await freePort()
      const model = run(pnpm, ['model'], { ...SMALL_MAZE, PORT: String(port) }, { terminal: true })
      await waitForOutput(model, /"maze ready"/)
      kill(model.pid(), 'SIGTERM')
      expect(await expectAllGone(model), model.output()).toEqual({ code: 0, signal: null })
      expect(model.output()).toMatch(/"signal":"SIGTERM","msg":"shutting down/)
      expect(model.output()).toMatch(/"msg":"stopped"/)
      expect(await refusesConnections(port)).toBe(true)
    })
  })

  test('pnpm agent against a model: SIGTERM to the pnpm process stops the run (143, AGENT_ERR_ABORTED), nothing left', async () => {
    const port = await freePort()
    // A maze big enough that the run is still going when the signal comes (~1M cells).
    await using model = start(process.execPath, [modelEntry], {
      env: { OTEL_SDK_DISABLED: 'true', PORT: String(port), HOST: '127.0.0.1', MAZE_WIDTH: '1000', MAZE_HEIGHT: '1000', MAZE_SEED: '5' },
    })
    // Listening before the agent starts: the agent may be up first, and the end of this test asks
    // whether the model still listens.
    await waitForHttp(`http://127.0.0.1:${port}/health/live`)
    const agent = run(pnpm, ['agent'], { MAZE_URL: `http://127.0.0.1:${port}`, AGENT_STRATEGY: 'random-dfs' })
    await waitForOutput(agent, /maze-agent: strategy random-dfs, model/)
    kill(agent.pid(), 'SIGTERM')
    const outcome = await expectAllGone(agent)
    // The agent's own exit code, passed through the launcher and pnpm.
    expect(outcome, agent.output()).toEqual({ code: 143, signal: null })
    expect(agent.output()).toMatch(/maze-agent: SIGTERM: stopping/)
    const result = JSON.parse(
      agent
        .output()
        .trimEnd()
        .split('\n')
        .findLast((l) => l.startsWith('{"strategy"')) ?? '{}',
    ) as Record<string, unknown>
    expect(result).toMatchObject({ strategy: 'random-dfs', solved: false, error: 'AGENT_ERR_ABORTED', message: 'stopped by SIGTERM' })
    // The model was not stopped by any of this.
    expect(model.child.exitCode).toBe(null)
    expect(await refusesConnections(port)).toBe(false)
  })

  describe('npm start (prestart bootstrap, then the simulation)', () => {
    const args = (port: number): string[] => [
      'start',
      '--',
      '--seed',
      '4',
      '--width',
      '12',
      '--height',
      '6',
      '--port',
      String(port),
      '--linger',
      '--quiet',
    ]

    test('SIGTERM to the npm process while the model lingers: npm exits 0 (the run solved), port closed, nothing left', async () => {
      const port = await freePort()
      const sim = run('npm', args(port), {})
      await waitForOutput(sim, /stays up — press Ctrl-C/)
      expect(await refusesConnections(port)).toBe(false)
      kill(sim.pid(), 'SIGTERM')
      expect(await expectAllGone(sim), sim.output()).toEqual({ code: 0, signal: null })
      expect(await refusesConnections(port)).toBe(true)
    })

    test.skipIf(!hasScript)('Ctrl-C in a terminal: npm exits 0, port closed, nothing left', async () => {
      const port = await freePort()
      const sim = run('npm', args(port), {}, { terminal: true })
      await waitForOutput(sim, /stays up — press Ctrl-C/)
      sim.interrupt()
      expect(await expectAllGone(sim), sim.output()).toEqual({ code: 0, signal: null })
      expect(await refusesConnections(port)).toBe(true)
    })
  })

  test('a chain (npm test is one): SIGTERM stops the running step, and the next one never starts', async () => {
    const program =
      "process.on('SIGTERM', () => { console.log('step stopped'); process.exit(0) }); console.log('step running'); setInterval(() => {}, 1000)"
    const chain = run(
      process.execPath,
      [`${repoRoot}/scripts/launch.mjs`, process.execPath, '-e', program, '&&', process.execPath, '-e', "console.log('next step ran')"],
      {},
    )
    await waitForOutput(chain, /step running/)
    kill(chain.pid(), 'SIGTERM')
    expect(await expectAllGone(chain)).toEqual({ code: 143, signal: null })
    expect(chain.output()).toContain('step stopped')
    expect(chain.output()).not.toContain('next step ran')
  })
})
