#!/usr/bin/env node
// `maze-batch` without the stack commands (`pnpm batch` adds them: packages/infra/src/main.ts).
import { runMain } from './run-main.ts'

await runMain()
