// The commands this package adds to `maze-batch`, and their lines in its main usage.
import type { MoreCommands } from '@maze-sim/batch'
import { deploy } from './deploy.ts'
import { destroy } from './destroy.ts'
import { pushImages_ } from './push-images.ts'

export const INFRA_COMMANDS: MoreCommands = {
  commands: { deploy, 'push-images': pushImages_, destroy },
  usage: `
  deploy      create or update the AWS stack (CDK): repositories, compute, queues, job definitions
  push-images build the model and agent images and push them to the stack's repositories
  destroy     delete the stack, its images and logs`,
}
