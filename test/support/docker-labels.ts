// Every container, network and compose stack a test starts carries the label `maze-sim.test=<run id>`,
// so nothing a test started outlives the run, whatever happened to the test:
//
// - at the end of a run (global teardown, afterAll) everything labelled with the run's id is removed,
//   which catches what a failing test or a timed-out hook did not stop;
// - at the start of a run everything labelled by a run that is no longer alive is removed: the
//   leftovers of a run that was killed before its teardown.
//
// The run id is `<pid>@<hostname>` of the process that owns the run, so "no longer alive" is a
// question the machine can answer, and a run going on at the same time on the same engine (another
// checkout, another terminal) keeps its containers. Leftovers of runs on another machine sharing the
// engine are left alone: their owner cannot be asked. `removeOrphaned` applies the same rule to
// another owner label: the Batch local runner's `maze-sim.batch.owner` (test/batch).
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'

/** The label key on everything the tests start. */
export const TEST_LABEL = 'maze-sim.test'

/** The id of a run owned by this process. */
export const ownRunId = (): string => `${process.pid}@${hostname()}`

/** `--label`-style `key=value` for the run. */
export const testLabel = (runId: string): string => `${TEST_LABEL}=${runId}`

const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 })

const lines = (text: string | null): string[] => (text ?? '').split('\n').filter((l) => l.trim() !== '')

/** True unless the owner id (`<pid>@<host>`) names a process of this machine that has ended. */
function alive(owner: string): boolean {
  const match = /^(\d+)@(.+)$/.exec(owner)
  if (match === null || match[2] !== hostname()) return true
  try {
    process.kill(Number(match[1]), 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

export interface Removed {
  readonly containers: number
  readonly networks: number
}

/** Removes containers (forced, with their anonymous volumes), then networks, by id. */
function remove(containers: readonly string[], networks: readonly string[]): Removed {
  if (containers.length > 0) docker(['rm', '-f', '-v', ...containers])
  if (networks.length > 0) docker(['network', 'rm', ...networks])
  return { containers: containers.length, networks: networks.length }
}

/** Removes every container and network labelled with this run's id. */
export function removeRun(runId: string): Removed {
  return removeLabelled(testLabel(runId))
}

/** Removes every container and network with the label `key=value`. */
export function removeLabelled(label: string): Removed {
  return remove(
    lines(docker(['ps', '-aq', '--filter', `label=${label}`]).stdout),
    lines(docker(['network', 'ls', '-q', '--filter', `label=${label}`]).stdout),
  )
}

/**
 * Removes the containers and networks whose `ownerKey` label names an owner (`<pid>@<host>`) that is
 * no longer alive, except those labelled `<keepKey>=true`.
 */
export function removeOrphaned(ownerKey: string, { keepKey }: { keepKey?: string } = {}): Removed {
  const format = `{{.ID}}\t{{.Label "${ownerKey}"}}\t${keepKey === undefined ? '' : `{{.Label "${keepKey}"}}`}`
  const orphaned = (stdout: string): string[] =>
    lines(stdout)
      .map((l) => l.split('\t'))
      .filter(([, owner = '', keep = '']) => keep.trim() !== 'true' && !alive(owner.trim()))
      .map(([id = '']) => id)
  return remove(
    orphaned(docker(['ps', '-a', '--filter', `label=${ownerKey}`, '--format', format]).stdout),
    orphaned(docker(['network', 'ls', '--filter', `label=${ownerKey}`, '--format', format]).stdout),
  )
}

/** Removes what test runs that are no longer alive left behind (a run killed before its teardown). */
export function removeLeftovers(): Removed {
  return removeOrphaned(TEST_LABEL)
}
