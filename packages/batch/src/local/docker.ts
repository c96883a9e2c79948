// The few Docker operations the local runner needs, through the docker CLI. The CLI rather than an
// API client (dockerode): no dependency, and it honours whatever the user's `docker` does (contexts,
// DOCKER_HOST, rootless, Docker Desktop) with no configuration of our own.
import { execFile, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { BatchError, BatchErrorCode } from '../errors.ts'

export interface ContainerState {
  readonly status: string
  readonly exitCode: number
  readonly oomKilled: boolean
  readonly error: string
}

export class DockerCli {
  readonly bin: string
  constructor(bin = process.env.DOCKER ?? 'docker') {
    this.bin = bin
  }

  /** Runs a docker command; resolves with its output, rejects with BATCH_ERR_DOCKER and docker's message. */
  exec(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.bin, args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0 }, (err, stdout, stderr) => {
        if (err !== null) {
          const detail = stderr.trim() !== '' ? stderr.trim() : err.message
          reject(new BatchError(BatchErrorCode.Docker, `docker ${args[0]} failed: ${detail}`, { cause: err }))
        } else resolve(stdout)
      })
    })
  }

  /** The engine's version, or a reason it cannot be reached. */
  async ping(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    try {
      const version = (await this.exec(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 })).trim()
      return { ok: true, version }
    } catch (err) {
      return { ok: false, reason: (err as Error).message }
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.exec(['image', 'inspect', '--format', '{{.Id}}', ref])
      return true
    } catch {
      return false
    }
  }

  /** `docker create` with the given arguments (before the image); returns the container id. */
  async create(args: readonly string[]): Promise<string> {
    return (await this.exec(['create', ...args])).trim()
  }

  async start(id: string): Promise<void> {
    await this.exec(['start', id])
  }

  /** Resolves with the exit code once the container has stopped. */
  async wait(id: string): Promise<number> {
    const out = (await this.exec(['wait', id])).trim()
    const code = Number(out.split('\n').pop())
    if (!Number.isInteger(code)) throw new BatchError(BatchErrorCode.Docker, `docker wait ${id} answered ${JSON.stringify(out)}`)
    return code
  }

  /** SIGTERM (the image's stop signal), then SIGKILL after `timeoutSeconds`, as ECS stops a container. */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.exec(['stop', '-t', String(timeoutSeconds), id])
  }

  async state(id: string): Promise<ContainerState> {
    const raw = JSON.parse(await this.exec(['inspect', '--format', '{{json .State}}', id])) as {
      Status?: string
      ExitCode?: number
      OOMKilled?: boolean
      Error?: string
    }
    return { status: raw.Status ?? '', exitCode: raw.ExitCode ?? -1, oomKilled: raw.OOMKilled === true, error: raw.Error ?? '' }
  }

  /** Removes containers (and their anonymous volumes), ignoring ones already gone. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return
    await this.exec(['rm', '-f', '-v', ...ids]).catch(() => {})
  }

  /** Container ids with a label (`key=value`), running or not. */
  async withLabel(label: string): Promise<string[]> {
    const out = await this.exec(['ps', '-aq', '--filter', `label=${label}`])
    return out.split('\n').filter((l) => l.trim() !== '')
  }

  /**
   * Follows a container's output (stdout and stderr, as the awslogs driver mixes them) into `file`,
   * calling `onLine` for each line; resolves when the container has stopped and its output is written.
   */
  followLogs(id: string, file: string, onLine?: (line: string) => void): Promise<void> {
    mkdirSync(dirname(file), { recursive: true })
    const out = createWriteStream(file)
    const child = spawn(this.bin, ['logs', '--follow', id], { stdio: ['ignore', 'pipe', 'pipe'] })
    const pending = { stdout: '', stderr: '' }
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      out.write(chunk)
      if (onLine === undefined) return
      const text = pending[stream] + chunk.toString('utf8')
      const lines = text.split('\n')
      pending[stream] = lines.pop() ?? ''
      for (const line of lines) onLine(line)
    }
    child.stdout.on('data', feed('stdout'))
    child.stderr.on('data', feed('stderr'))
    return new Promise((resolve) => {
      child.on('close', () => {
        if (onLine !== undefined) for (const rest of [pending.stdout, pending.stderr]) if (rest !== '') onLine(rest)
        out.end(() => resolve())
      })
      child.on('error', () => out.end(() => resolve()))
    })
  }
}
