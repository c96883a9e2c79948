// `maze-batch register`: render, check and register the job definition; prints its ARN.
import { boolean, help, string } from '@maze-sim/config'
import { assertValidJobDefinition } from '../check.ts'
import { createBatchClient, registerJobDefinition } from '../aws.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, definitionOf, RENDER_FLAGS, renderOptions } from './flags.ts'

const REGISTER_OPTIONS = {
  file: string({ flag: 'file', placeholder: '<file.json>', description: 'register this rendered definition instead' }),
  'dry-run': boolean({ flag: 'dry-run', description: 'print the RegisterJobDefinition input and stop' }),
} as const

export const register: Command = {
  usage: `Usage: maze-batch register [options]

Renders and checks the job definition, then registers it (a new revision) and prints its ARN.

${RENDER_FLAGS}
${help(REGISTER_OPTIONS)}
${AWS_FLAGS}
`,
  options: { ...renderOptions, ...awsOptions, ...REGISTER_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = assertValidJobDefinition(await definitionOf(values), 'the job definition')
    if (values['dry-run'] === true) {
      io.stdout(json(definition))
      return ExitCode.Ok
    }
    const client = createBatchClient(awsOf(values, io.signal))
    try {
      const out = await registerJobDefinition(client, definition)
      io.stderr(`registered ${out.jobDefinitionName} revision ${out.revision}\n`)
      io.stdout(`${out.jobDefinitionArn}\n`)
    } finally {
      client.destroy()
    }
    return ExitCode.Ok
  },
}
