#!/usr/bin/env node
// `pnpm batch`: the batch CLI (@maze-sim/batch) with this package's deploy, push-images and destroy.
import { runMain } from '@maze-sim/batch'
import { INFRA_COMMANDS } from './commands/index.ts'

await runMain(INFRA_COMMANDS)
