// `maze-batch deploy`: synthesize the stack (cdk-nag checks it), show the diff against what is
// deployed, deploy it with the caller's credentials, print the outputs `submit` reads.
import { awsOf, ExitCode, helpOption, json, str, type CliIo, type Command, type Values } from '@maze-sim/batch'
import type { AppOptions } from '../app.ts'
import { callerAccount, requireRegion } from '../aws.ts'
import { summarizeTemplate } from '../summary.ts'
import { APP_FLAGS, appOptions, appOptionsOf, PLACEHOLDER_ACCOUNT, STACK_FLAGS, stackOptions } from './flags.ts'

/** The CDK toolkit and app (aws-cdk-lib, cdk-nag: seconds to load), loaded by the commands that use them. */
export const loadToolkit = (): Promise<typeof import('../toolkit.ts')> => import('../toolkit.ts')

/**
 * The app's options for this command line: the region (required, also for a dry run), the account
 * (the credentials' one; a dry run takes --account or the placeholder and needs no credentials).
 */
export async function resolveApp(values: Values): Promise<{ options: AppOptions; placeholder: boolean }> {
  const aws = awsOf(values)
  const region = await requireRegion(aws)
  const given = str(values, 'account')
  const dryRun = values['dry-run'] === true
  const account = dryRun ? (given ?? PLACEHOLDER_ACCOUNT) : await callerAccount(aws, given)
  return { options: { account, region, ...appOptionsOf(values) }, placeholder: dryRun && given === undefined }
}

/** Synthesizes offline and prints what the stack holds (the dry runs of deploy and destroy). */
export async function printPlan(io: CliIo, values: Values, options: AppOptions, placeholder: boolean, verb: string): Promise<void> {
  const { toolkitAction, toolkitFor, withAssemblySource } = await loadToolkit()
  const toolkit = toolkitFor(io, str(values, 'profile'))
  await withAssemblySource(toolkit, options, async (source) => {
    const assembly = await toolkitAction('synth', () => toolkit.synth(source))
    try {
      for (const stack of assembly.cloudAssembly.stacks) {
        const where = `account ${options.account}${placeholder ? ' (a placeholder: --account or AWS_ACCOUNT_ID for yours)' : ''}, region ${options.region}`
        io.stdout(`${verb} the stack ${stack.stackName} in ${where}, with your credentials:\n`)
        for (const line of summarizeTemplate(stack.template)) io.stdout(`  ${line}\n`)
      }
    } finally {
      await assembly.dispose()
    }
  })
}

export const deploy: Command = {
  usage: `Usage: maze-batch deploy [options]

Creates or updates the CloudFormation stack of packages/infra (a CDK app) with your credentials:
the ECR repositories, a VPC, the EC2 (Spot, On-Demand) and Fargate compute environments, the job
queues maze-sim and maze-sim-fargate, the job definitions rendered from batch/ (what \`render\`
prints), their roles and log groups. Synthesizes it (cdk-nag's AwsSolutions checks must pass),
shows the diff against the deployed stack, deploys, and prints the stack's outputs as JSON; submit
reads them (no --queue needed). No \`cdk bootstrap\` needed: the stack has no assets.

--dry-run synthesizes offline and prints what would be deployed; no credentials needed.

${STACK_FLAGS}
${APP_FLAGS}
`,
  options: { ...stackOptions, ...appOptions, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const { options, placeholder } = await resolveApp(values)
    if (values['dry-run'] === true) {
      await printPlan(io, values, options, placeholder, 'would deploy')
      io.stdout('then: pnpm batch push-images, and pnpm batch submit (the queue and job definition come from the stack)\n')
      return ExitCode.Ok
    }
    const { ALL_STACKS, toolkitAction, toolkitFor, withAssemblySource } = await loadToolkit()
    const toolkit = toolkitFor(io, str(values, 'profile'))
    const result = await withAssemblySource(toolkit, options, async (source) => {
      await toolkitAction('diff', () => toolkit.diff(source, { stacks: ALL_STACKS }))
      return toolkitAction('deploy', () => toolkit.deploy(source, { stacks: ALL_STACKS }))
    })
    for (const stack of result.stacks) io.stdout(json({ stack: stack.stackName, outputs: stack.outputs }))
    io.stderr('next: pnpm batch push-images, then pnpm batch submit --strategy astar,random-dfs --runs 100\n')
    return ExitCode.Ok
  },
}
