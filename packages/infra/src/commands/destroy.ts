// `maze-batch destroy`: delete the stack of `deploy`, its images and logs included.
import { ExitCode, helpOption, str, usageError, type Command } from '@maze-sim/batch'
import { boolean, help } from '@maze-sim/config'
import { APP_FLAGS, appOptions, STACK_FLAGS, stackOptions } from './flags.ts'
import { loadToolkit, printPlan, resolveApp } from './deploy.ts'

const DESTROY_OPTIONS = {
  yes: boolean({ flag: 'yes', description: 'really delete: the repositories with their images, the queues, the logs' }),
} as const

export const destroy: Command = {
  usage: `Usage: maze-batch destroy --yes [options]

Deletes the stack of \`maze-batch deploy\` with your credentials: the ECR repositories and their
images, the compute environments, queues, job definitions, roles, the VPC and the log groups with
their logs. Jobs still running are stopped by Batch. Refused without --yes.

--dry-run synthesizes offline and prints what would be deleted; no credentials needed.

${help(DESTROY_OPTIONS)}
${STACK_FLAGS}
${APP_FLAGS}
`,
  options: { ...DESTROY_OPTIONS, ...stackOptions, ...appOptions, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    if (values['dry-run'] !== true && values.yes !== true)
      throw usageError('destroy deletes the stack, its images and logs: add --yes (or --dry-run to see what it holds)')
    const { options, placeholder } = await resolveApp(values)
    if (values['dry-run'] === true) {
      await printPlan(io, values, options, placeholder, 'would delete')
      return ExitCode.Ok
    }
    const { ALL_STACKS, toolkitAction, toolkitFor, withAssemblySource } = await loadToolkit()
    const toolkit = toolkitFor(io, str(values, 'profile'))
    await withAssemblySource(toolkit, options, (source) => toolkitAction('destroy', () => toolkit.destroy(source, { stacks: ALL_STACKS })))
    io.stderr(`deleted the stack ${options.stackName}\n`)
    return ExitCode.Ok
  },
}
