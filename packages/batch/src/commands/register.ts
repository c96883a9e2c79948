// `maze-batch register`: render, check and register the job definition; prints its ARN.
import { assertValidJobDefinition } from '../check.ts'
import { createBatchClient, registerJobDefinition } from '../aws.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { AWS_FLAGS, awsOf, awsOptions, definitionOf, RENDER_FLAGS, renderOptions } from './flags.ts'

export const register: Command = {
  usage: `Usage: maze-batch register [options]

Renders and checks the job definition, then registers it (a new revision) and prints its ARN.

${RENDER_FLAGS}
  --file <file.json>          register this rendered definition instead
  --dry-run                   print the RegisterJobDefinition input and stop
${AWS_FLAGS}
`,
  options: { ...renderOptions, ...awsOptions, file: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = assertValidJobDefinition(await definitionOf(values, io), 'the job definition')
    if (values['dry-run'] === true) {
      io.stdout(json(definition))
      return ExitCode.Ok
    }
    const client = createBatchClient(awsOf(values, io))
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
