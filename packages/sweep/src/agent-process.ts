// An agent process of an HTTP sweep: the agent program by its package's name, playing one slice
// (`--strategy a,b --seeds LIST --width W --height H`) against one model, one result line per run
// on stdout, read line by line (bounded) and handed on as they come.
import { type ChildProcess, spawn } from 'node:child_process'
import { delimiter, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AGENT_OPTIONS } from '@maze-sim/agent'
import { parseAgentResult, type ParsedAgentResult } from '@maze-sim/agent/result'
import { helpRows } from '@maze-sim/config'
import { formatSeedList } from '@maze-sim/maze'
// The Python SDK's sources, on the PYTHONPATH of its runner.
import { PYTHON_SDK_SRC } from '@maze-sim/python-sdk'
import { OutputTail, readLines } from './child-output.ts'
import { isPythonStrategy, type Slice } from './http-slices.ts'
import { describeEnd, type Ended } from './model-process.ts'

/** The preload that ends the process when the sweep is gone (leash.ts). */
const LEASH = import.meta.resolve('./leash.ts')

/** A line of the agent's stdout longer than this is not a result line (they are a few hundred bytes): dropped. */
export const AGENT_MAX_LINE_BYTES = 64 * 1024
/** After SIGTERM, how long an agent may take to stop (it gives itself 5 s) before it is killed. */
export const AGENT_STOP_TIMEOUT_MS = 8_000

export { describeEnd }

const isPathLike = (specifier: string): boolean =>
  /^\.\.?([\\/]|$)/.test(specifier) || isAbsolute(specifier) || /^[A-Za-z]:[\\/]/.test(specifier)

/**
 * A strategy specifier as the agent must get it: a relative path made absolute against the
 * directory the sweep was started in (the agent runs there too, so package names resolve alike).
 */
export const agentSpecifier = (specifier: string, cwd: string): string => (isPathLike(specifier) ? resolve(cwd, specifier) : specifier)

/** The agent's command-line flags for a slice against the model at `url`. */
export function agentArgs(slice: Slice, url: string, cwd: string): string[] {
  return [
    '--url',
    url,
    '--strategy',
    slice.strategies.map((s) => agentSpecifier(s, cwd)).join(','),
    '--seeds',
    formatSeedList(slice.seeds),
    '--width',
    String(slice.width),
    '--height',
    String(slice.height),
    '--quiet',
  ]
}

/** The agent's environment: the sweep's without the agent's own variables (its flags say everything; an AGENT_EPISODES of the user's shell would clash). */
export function agentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = new Set(helpRows(AGENT_OPTIONS).flatMap((row) => (row.env === null ? [] : [row.env])))
  return Object.fromEntries(Object.entries(env).filter(([k]) => !own.has(k)))
}

export interface AgentProcessOptions {
  readonly slice: Slice
  readonly url: string
  /** The directory the sweep was started in: the agent's working directory. */
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Each result line, as it is printed. */
  readonly onResult: (line: ParsedAgentResult) => void
}

/** How an agent process ended, once its output is read to the end. */
export interface AgentEnd extends Ended {
  /** Result lines read. */
  readonly results: number
  /** Its last stderr lines. */
  readonly stderr: readonly string[]
}

/** A running agent process. */
export class AgentProcess {
  readonly slice: Slice
  /** Resolves when the process has exited and its stdout and stderr are read to the end. */
  readonly closed: Promise<AgentEnd>
  readonly #child: ChildProcess
  #results = 0

  constructor(options: AgentProcessOptions) {
    this.slice = options.slice
    const args = agentArgs(options.slice, options.url, options.cwd)
    const env = agentEnv(options.env)
    // python: strategies: the Python SDK's runner (MAZE_PYTHON, else python3), same flags and result lines.
    const [file, argv, childEnv] = options.slice.strategies.every(isPythonStrategy)
      ? [
          options.env.MAZE_PYTHON ?? 'python3',
          ['-m', 'maze_sim_agent', ...args],
          { ...env, PYTHONPATH: [PYTHON_SDK_SRC, options.env.PYTHONPATH].filter(Boolean).join(delimiter) },
        ]
      : [process.execPath, ['--import', LEASH, fileURLToPath(import.meta.resolve('@maze-sim/agent/main')), ...args], env]
    this.#child = spawn(file, argv, {
      cwd: options.cwd,
      env: childEnv,
      // stdin: the leash (leash.ts), which ends the agent if the sweep is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout = readLines(this.#child.stdout!, AGENT_MAX_LINE_BYTES, (line) => {
      const result = parseAgentResult(line)
      if (result === null) return
      this.#results++
      options.onResult(result)
    })
    const stderr = new OutputTail(this.#child.stderr!)
    const exited = new Promise<Ended>((resolve) => {
      this.#child.once('exit', (code, signal) => resolve({ code, signal }))
      // A spawn that failed (no such file, too many processes) emits 'error' and maybe no 'exit'.
      this.#child.once('error', () => resolve({ code: null, signal: null }))
    })
    this.closed = Promise.all([exited, stdout, stderr.done]).then(([end]) => ({ ...end, results: this.#results, stderr: stderr.lines() }))
  }

  /** Result lines read so far. */
  get results(): number {
    return this.#results
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined
  }

  /** SIGTERM (the agent ends the run in flight, prints its line and exits), SIGKILL after AGENT_STOP_TIMEOUT_MS. */
  stop(timeoutMs = AGENT_STOP_TIMEOUT_MS): Promise<AgentEnd> {
    if (this.alive) this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.kill(), timeoutMs)
    return this.closed.finally(() => clearTimeout(timer))
  }

  /** SIGKILL at once. */
  kill(): void {
    if (this.alive) this.#child.kill('SIGKILL')
  }
}
