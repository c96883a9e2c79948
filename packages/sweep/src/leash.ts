// Preloaded (node --import) into the model and agent processes an HTTP sweep starts, so that they
// never outlive it, however it ends: SIGKILL and a crash included, where it cannot stop them itself.
// Their stdin is a pipe from the sweep, which nothing writes; its end means the sweep is gone, and
// the process sends itself SIGTERM, which the programs handle as a user's (stop, write what they
// have, exit). Unreferenced: it never keeps a process alive that is done. Main thread only: the
// preload also runs in the programs' worker threads (strategies, maze generation), whose stdin is
// a stream of their own that ends at once.
import { isMainThread } from 'node:worker_threads'

if (isMainThread && !process.stdin.isTTY) {
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'))
  process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'))
  process.stdin.resume()
  // A pipe's stdin is a net.Socket: unref() lets the process end while it waits.
  ;(process.stdin as { unref?: () => void }).unref?.()
}
