// The program behind every package.json script: runs a command (or a chain, `a '&&' b`) and passes
// it SIGTERM and Ctrl-C exactly once, whichever of npm and pnpm started it (README, "Stopping").
//
//   "model": "exec node scripts/launch.mjs node --import ./packages/model/src/instrument.ts packages/model/src/server.ts"
//
// Why a launcher and not just the command:
// - npm and pnpm run a script as `sh -c '<script>'`, and Debian's sh (dash 0.5.12) stays the
//   program's parent and dies at once on SIGTERM: a SIGTERM relayed to that shell (npm always does;
//   pnpm 12 does in a terminal) never reaches the program, which runs on, still listening. `exec`
//   in the script replaces the shell with this launcher.
// - npm relays SIGINT to its child even when Ctrl-C has already reached that child from the
//   terminal (npm/cli#5021). With `exec` alone our programs would see Ctrl-C twice, and a second
//   signal means "exit now, skip the clean stop" to them. This launcher keeps the command in the
//   terminal's foreground process group (Ctrl-C reaches it from the terminal, exactly once) and
//   relays only what the terminal cannot have sent: SIGTERM, once.
// - Without a terminal (a service manager, CI, a test) the command gets a process group of its own,
//   so a signal to the launcher's group (pnpm 12 signals its script's group) reaches it once, relayed.
//
// The exit status is the command's: its exit code, or, killed by a signal, the same signal.
// Dependency-free and Node 20 compatible, like bootstrap.mjs. POSIX only (`exec`, process groups).
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'

const RELAYED = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])
/** What a terminal sends to its whole foreground process group (Ctrl-C, hangup). */
const FROM_TERMINAL = new Set(['SIGINT', 'SIGHUP'])

/** `a b '&&' c d` → [[a, b], [c, d]] */
function chain(args) {
  const steps = [[]]
  for (const arg of args) {
    if (arg === '&&') steps.push([])
    else steps.at(-1).push(arg)
  }
  return steps
}

/**
 * True when this process is in the foreground process group of a controlling terminal, so that
 * Ctrl-C reaches the command (in the same group) from the terminal itself. Linux: /proc; elsewhere ps.
 */
function inTerminalForeground() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // After "pid (comm) ": state ppid pgrp session tty_nr tpgid …
    const [, , pgrp, , ttyNr, tpgid] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number)
    return ttyNr !== 0 && tpgid > 0 && tpgid === pgrp
  } catch {
    const ps = spawnSync('ps', ['-o', 'pgid=,tpgid=', '-p', String(process.pid)], { encoding: 'utf8' })
    if (ps.status !== 0) return process.stdin.isTTY === true
    const [pgid, tpgid] = ps.stdout.trim().split(/\s+/).map(Number)
    return tpgid > 0 && tpgid === pgid
  }
}

const steps = chain(process.argv.slice(2))
if (steps.some((step) => step.length === 0)) {
  process.stderr.write("usage: node scripts/launch.mjs <command> [args…] ['&&' <command> [args…]]…\n")
  process.exit(2)
}

/**
 * The environment of the command: Node's module compile cache on from the command's first module.
 * Our programs' preloads turn it on themselves (module.enableCompileCache, in the same directory),
 * but only once the preload is loaded: the preload, a TypeScript file, would otherwise be stripped of
 * its types on every start, which loads Node's TypeScript stripper (a WebAssembly module) first,
 * about 60 ms of CPU. With the variable set, Node reads the preload from the cache too. Nothing is
 * changed when the caller chose (NODE_COMPILE_CACHE) or turned the cache off (NODE_DISABLE_COMPILE_CACHE).
 */
function commandEnv() {
  const env = process.env
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE !== undefined) return env
  return { ...env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') }
}

const foreground = inTerminalForeground()
const env = commandEnv()
/** @type {import('node:child_process').ChildProcess | undefined} */
let child
/** The first signal received: no further step of a chain starts. */
let stoppedBy = null
const relayed = new Set()
for (const signal of RELAYED) {
  process.on(signal, () => {
    stoppedBy ??= signal
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    if (foreground && FROM_TERMINAL.has(signal)) return // the terminal delivered it to the command too
    // Once: a second copy is a relay's duplicate (npm's, or a signal to a whole process group);
    // a person who means "now" presses Ctrl-C twice, and that reaches the command from the terminal.
    if (relayed.has(signal)) return
    relayed.add(signal)
    child.kill(signal)
  })
}

/** Ends this process the way the command ended. */
function endLike(code, signal) {
  if (signal !== null) {
    for (const s of RELAYED) process.removeAllListeners(s)
    process.kill(process.pid, signal)
    // Not reached unless the signal is ignored here.
    process.exit(128 + (constants.signals[signal] ?? 0))
  }
  process.exit(code ?? 1)
}

for (const [index, [command, ...args]] of steps.entries()) {
  child = spawn(command, args, { stdio: 'inherit', detached: !foreground, env })
  const { code, signal } = await new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`launch: cannot run ${command}: ${err.message}\n`)
      resolve({ code: 127, signal: null })
    })
    child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }))
  })
  if (signal !== null || code !== 0) endLike(code, signal)
  // Stopped between two steps of a chain: the rest does not run, and the chain did not succeed.
  if (stoppedBy !== null && index < steps.length - 1) process.exit(128 + (constants.signals[stoppedBy] ?? 0))
}
process.exit(0)
