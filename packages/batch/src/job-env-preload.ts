// The job preload: the job definition sets NODE_OPTIONS=--import=./packages/batch/src/job-env-preload.ts
// on the model and agent containers, so this runs before the image's program reads its
// configuration (job-env.ts says what it derives). A value @maze-sim/config refuses, or a half-given
// packing, stops the container before the program starts: the message on stderr, exit code 2.
import { JobEnvError, jobEnvChanges } from './job-env.ts'

try {
  const { set, notes } = jobEnvChanges(process.env)
  Object.assign(process.env, set)
  if (notes.length > 0) process.stderr.write(`maze-sim batch: ${notes.join(', ')}\n`)
} catch (err) {
  if (!(err instanceof JobEnvError)) throw err
  process.stderr.write(`${err.message}\n`)
  process.exit(2)
}
