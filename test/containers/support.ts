// Helpers of the container tests: the images from global-setup.ts, containers and networks
// labelled with the run's id (global-setup.ts removes by it), one-shot containers run to their exit
// (exit code, stdout and stderr apart), the compose command, the agent's output.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { GenericContainer, getContainerRuntimeClient, StartedNetwork, Wait, type StartedTestContainer } from 'testcontainers'
import { describe, inject } from 'vitest'
import { TEST_LABEL } from '../support/docker-labels.ts'
import { freePort, repoRoot } from '../support/processes.ts'
import type { Images } from './global-setup.ts'

const context = inject('containers')
const runId = inject('testRun')

/** `describe`, skipped (loudly, by global-setup.ts) when there is no Docker engine; CI fails instead. */
export const describeWithDocker = describe.skipIf(!context.available)

/** The images global-setup.ts built. Only call inside `describeWithDocker`. */
export function images(): Images {
  if (!context.available) throw new Error(`no Docker: ${context.reason}`)
  return context.images
}

/** The labels of everything a test starts: `maze-sim.test=<run id>` (test/support/docker-labels.ts). */
export const testLabels = (): Record<string, string> => ({ [TEST_LABEL]: runId })

/** A container of this run: labelled, so the run's teardown removes it if the test does not. */
export function testContainer(image: string): GenericContainer {
  return labelled(new GenericContainer(image))
}

/** Labels a container (one from `GenericContainer.fromDockerfile(...).build()`, say) as this run's. */
export function labelled(container: GenericContainer): GenericContainer {
  return container.withLabels(testLabels())
}

/**
 * A user-defined network of this run. testcontainers' `new Network()` takes no labels, so this
 * creates it with ours and hands it over as the StartedNetwork `withNetwork` expects.
 */
export async function startNetwork(): Promise<StartedNetwork> {
  const client = await getContainerRuntimeClient()
  const name = `maze-sim-test-${randomUUID()}`
  const network = await client.network.create({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: testLabels() })
  return new StartedNetwork(client, name, network)
}

/** Variables that would change what the programs do if the machine running the tests had them set. */
export const QUIET_TELEMETRY = { OTEL_SDK_DISABLED: 'true' } as const

export interface Exited {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** From the start of the container to its exit. */
  readonly ms: number
}

/** Docker's multiplexed log stream (non-TTY): frames of [stream, 0, 0, 0, size (4 bytes BE)] + bytes. */
function demux(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = []
  const err: Buffer[] = []
  for (let pos = 0; pos + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(pos + 4)
    const frame = raw.subarray(pos + 8, pos + 8 + size)
    ;(raw[pos] === 2 ? err : out).push(frame)
    pos += 8 + size
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

/** A started container that runs to its end (the agent); `exited` resolves when it has stopped. */
export interface OneShot {
  readonly container: StartedTestContainer
  readonly exited: Promise<Exited>
}

/** Starts a container that exits by itself and collects its outcome; the container is removed once it has exited. */
export async function startOneShot(container: GenericContainer): Promise<OneShot> {
  const started = Date.now()
  // Started, not waited for: no ports to wait on, and not the image's HEALTHCHECK (testcontainers'
  // default when there is one), which a one-shot probe of the model image never passes.
  const running = await container.withWaitStrategy(Wait.forListeningPorts()).start()
  const client = await getContainerRuntimeClient()
  const handle = client.container.getById(running.getId())
  const exited = (async (): Promise<Exited> => {
    const { StatusCode } = (await handle.wait()) as { StatusCode: number }
    const ms = Date.now() - started
    const logs = (await handle.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer
    await running.stop({ remove: true })
    return { exitCode: StatusCode, ...demux(logs), ms }
  })()
  return { container: running, exited }
}

/** Runs a container to its end. */
export async function runToExit(container: GenericContainer): Promise<Exited> {
  return (await startOneShot(container)).exited
}

export interface AgentOutput {
  /** The map lines the agent printed (2h+1 lines of 2w+1 characters). */
  readonly map: string[]
  /** The result line, parsed. */
  readonly result: Record<string, unknown>
}

/** Without terminal control sequences (compose's log output has some even with --no-color). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed
export const stripControl = (text: string): string => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')

/** The agent's stdout: the map, then the JSON result as the last line. */
export function parseAgentStdout(stdout: string): AgentOutput {
  const lines = stripControl(stdout).trimEnd().split('\n')
  const last = lines.at(-1) ?? ''
  let result: Record<string, unknown>
  try {
    result = JSON.parse(last) as Record<string, unknown>
  } catch {
    throw new Error(`the agent's last line is not JSON: ${JSON.stringify(last.slice(0, 200))}`)
  }
  return { map: lines.slice(0, -1).filter((l) => /^[-+| SKE*]+$/.test(l)), result }
}

export interface CommandResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** Runs a command (docker compose) with extra environment, collecting its output; killed after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  { cwd, timeoutMs = 600_000 }: { cwd: string; timeoutMs?: number },
): Promise<CommandResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** One compose stack of a test: its own project name, the docker/compose.yaml file plus overrides. */
export interface ComposeStack {
  /** `docker compose -f … -p <project> <args>` with the stack's environment. */
  compose(args: string[]): Promise<CommandResult>
  /** Stops and removes the stack's containers. */
  down(): Promise<void>
}

/**
 * A compose stack for one test run of `strategy` on the 60x20 maze of seed 42, with our OTLP receiver
 * as the collector, a free host port and a project name of its own (no clash with a stack a
 * developer left running), and the defaults of a user's shell whatever the test machine has set.
 * Its containers and network carry the run's label (compose.labels.yaml), so the run's teardown
 * removes a stack a failed test did not take down.
 */
export async function composeStack(strategy: string, overrides: string[] = []): Promise<ComposeStack> {
  const project = `maze-sim-test-${randomUUID().slice(0, 8)}`
  const files = [join(repoRoot, 'docker/compose.yaml'), join(repoRoot, 'test/containers/compose.labels.yaml'), ...overrides].flatMap(
    (file) => ['-f', file],
  )
  const env = {
    MAZE_SIM_TEST_RUN: runId,
    AGENT_STRATEGY: strategy,
    MAZE_SEED: '42',
    MAZE_WIDTH: '60',
    MAZE_HEIGHT: '20',
    MODEL_PORT: String(await freePort()),
    COLLECTOR_IMAGE: images().otlpReceiver,
    AGENT_STARTUP_TIMEOUT_MS: '',
    OTEL_SDK_DISABLED: '',
    LOG_LEVEL: '',
  }
  const compose = (args: string[]) => run('docker', ['compose', ...files, '-p', project, ...args], env, { cwd: repoRoot })
  return {
    compose,
    async down() {
      await compose(['down', '--timeout', '5', '--remove-orphans'])
    },
  }
}
