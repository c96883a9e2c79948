// Headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core.
// Never a browser that a test tool downloads (that fails on the build machines, and it is not the
// browser people use).
import { accessSync, constants } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/**
 * Headless, and quiet on the network: we run as root (hence --no-sandbox), and on a closed network
 * Chromium's own background connections (updates, sync, field trials) would only be refused.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * The Chromium executable, or undefined when it is missing: in CI (CI=true) that fails the suite,
 * on a laptop the caller skips with a loud message.
 */
export function findChromium(): string | undefined {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK)
    return CHROMIUM_PATH
  } catch {
    const message = `Chromium is not installed at ${CHROMIUM_PATH} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`
    if (process.env.CI === 'true') throw new Error(`${message}: required in CI`)
    console.warn(`\n!!! SKIPPING browser tests of the live view: ${message}\n`)
    return undefined
  }
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
}
