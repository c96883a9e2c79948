// `maze-batch render`: the job definition for an account and region, checked, on stdout or in a file.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { assertValidJobDefinition } from '../check.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { definitionOf, RENDER_FLAGS, renderOptions, str } from './flags.ts'

export const render: Command = {
  usage: `Usage: maze-batch render [options] [-o <file>]

Prints the job definition (the RegisterJobDefinition input, JSON) with the account, region, image
URIs, roles and log group filled in. Offline: nothing is sent to AWS. Checked before printing
(use --no-check to print a definition that fails the check).

${RENDER_FLAGS}
  -o, --output <file>         write to a file instead of stdout
  --no-check                  print even when check finds errors
`,
  options: { ...renderOptions, output: { type: 'string', short: 'o' }, 'no-check': { type: 'boolean' }, ...helpOption },
  takesArguments: false,
  async run(values, _positionals, io) {
    const definition = await definitionOf(values, io)
    if (values['no-check'] !== true) assertValidJobDefinition(definition, 'the rendered job definition')
    const out = str(values, 'output')
    if (out !== undefined) {
      writeFileSync(resolve(out), json(definition))
      io.stderr(`wrote ${out}\n`)
    } else io.stdout(json(definition))
    return ExitCode.Ok
  },
}
