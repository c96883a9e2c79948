// `maze-batch render`: the job definition for an account and region, checked, on stdout or in a file.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { boolean, help, string } from '@maze-sim/config'
import { assertValidJobDefinition } from '../check.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { definitionOf, RENDER_FLAGS, renderOptions, str } from './flags.ts'

const RENDER_COMMAND_OPTIONS = {
  output: string({ flag: 'output', short: 'o', placeholder: '<file>', description: 'write to a file instead of stdout' }),
  check: boolean({ flag: 'check', negatable: true, default: true, description: 'print even when check finds errors' }),
} as const

export const render: Command = {
  usage: `Usage: maze-batch render [options] [-o <file>]

Prints the job definition (the RegisterJobDefinition input, JSON) with the account, region, image
URIs, roles and log group filled in. Offline: nothing is sent to AWS. Checked before printing
(use --no-check to print a definition that fails the check).

${RENDER_FLAGS}
${help(RENDER_COMMAND_OPTIONS)}`,
  options: { ...renderOptions, ...RENDER_COMMAND_OPTIONS, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = await definitionOf(values)
    if (values.check !== false) assertValidJobDefinition(definition, 'the rendered job definition')
    const out = str(values, 'output')
    if (out !== undefined) {
      writeFileSync(resolve(out), json(definition))
      io.stderr(`wrote ${out}\n`)
    } else io.stdout(json(definition))
    return ExitCode.Ok
  },
}
