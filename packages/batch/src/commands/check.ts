// `maze-batch check [file]`: a job definition against AWS Batch's rules, one line per problem.
import { resolve } from 'node:path'
import { boolean, help } from '@maze-sim/config'
import { checkJobDefinition, formatProblems, Severity } from '../check.ts'
import { usageError } from '../errors.ts'
import { readJsonFile } from '../template.ts'
import { ExitCode, helpOption, json, type Command } from './command.ts'
import { definitionOf, RENDER_FLAGS, renderOptions } from './flags.ts'

const CHECK_OPTIONS = { json: boolean({ flag: 'json', description: 'the problems as a JSON array' }) } as const

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

export const check: Command = {
  usage: `Usage: maze-batch check [<file.json>] [options]

Checks a job definition (a file, or the template rendered with the options) against AWS Batch's
rules for multi-container jobs and this project's: container names in dependsOn, cycles, an
essential container behind COMPLETE/SUCCESS, HEALTHY (which Batch does not have), healthCheck and
portMappings (which Batch containers do not have), AWS_BATCH_* variables, images, at most 10
containers, resources (Fargate sizes), retry patterns, timeout. One line per problem:
  <error|warning> [<rule>] <where>: <what to change>
Exit 0 when there is no error, 1 otherwise.

${RENDER_FLAGS}
${help(CHECK_OPTIONS)}`,
  options: { ...renderOptions, ...CHECK_OPTIONS, ...helpOption },
  takesArguments: true,
  async run(values, positionals, io, sources) {
    if (positionals.length > 1) throw usageError('check takes at most one file')
    const file = positionals[0]
    const definition =
      file !== undefined ? readJsonFile(resolve(file)) : await definitionOf(values, { local: sources.account !== '--account' })
    const problems = checkJobDefinition(definition)
    const errors = problems.filter((p) => p.severity === Severity.Error).length
    const warnings = problems.length - errors
    if (values.json === true) io.stdout(json(problems))
    else if (problems.length > 0) io.stdout(`${formatProblems(problems)}\n`)
    io.stderr(
      `${file ?? 'the rendered template'}: ${errors === 0 ? 'ok' : plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}\n`,
    )
    return errors === 0 ? ExitCode.Ok : ExitCode.Failed
  },
}
