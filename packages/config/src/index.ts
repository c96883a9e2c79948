// One way to read configuration (README.md): each program declares a table of its options — where
// a value comes from (an environment variable and/or a flag), what kind it is, its default and what
// it is for — and `read` turns the environment and the command line into a typed object, or throws
// one error listing every problem. `help` renders the options part of the program's --help from the
// same table, so the text cannot drift from what is read.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { parseSeedSpans, type SeedSpan, seedListRule, SIZE_RULE, sizeProblem } from '@maze-sim/maze'

/** The environment as a program sees it (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>

/** What `parse` returns for a value it refuses: the option's `allowed` text says what is accepted. */
export const REFUSED: unique symbol = Symbol('refused')
export type Refused = typeof REFUSED

/** A value refused for a reason of its own (`seed 1 is listed more than once`), said before what is allowed. */
export class Refusal {
  readonly reason: string
  constructor(reason: string) {
    this.reason = reason
  }
}

const isRefused = (value: unknown): value is Refused | Refusal => value === REFUSED || value instanceof Refusal

/** The kinds of value, shown in messages and used by `help`. */
export type Kind =
  | 'integer'
  | 'duration'
  | 'decimal'
  | 'fraction'
  | 'string'
  | 'enum'
  | 'boolean'
  | 'url'
  | 'size'
  | 'sizes'
  | 'seeds'
  | 'list'
  | 'repeated'

/** One option of a program: where its value comes from, what it accepts, its default. Made by the helpers below. */
export interface Option<T, D> {
  readonly kind: Kind
  /** The environment variable, if the option can be set that way. */
  readonly env: string | undefined
  /** The long flag without its dashes, if the option can be set that way. */
  readonly flag: string | undefined
  /** A one-letter alias of the flag. */
  readonly short: string | undefined
  readonly description: string
  /** The value when neither the flag nor the variable is given. */
  readonly default: D
  /** How --help shows the default; undefined: none shown. */
  readonly defaultText: string | undefined
  /** What is accepted, in words: in --help and in every message refusing a value. */
  readonly allowed: string
  /** The flag's value in --help, e.g. `<n>`; empty for a switch. */
  readonly placeholder: string
  /** False for a switch: a flag without a value (its variable, if any, is true/false/1/0). */
  readonly takesValue: boolean
  /** A flag that may be given several times (`repeated`). */
  readonly multiple: boolean
  /** The switch also has a `--no-<flag>` form. */
  readonly negatable: boolean
  /** `--help`: when given, nothing else is validated (help works whatever the environment holds). */
  readonly isHelp: boolean
  /** The value, or REFUSED (or a Refusal saying why). Called only with a non-blank value without surrounding whitespace. */
  readonly parse: (raw: string) => T | Refused | Refusal
}

// biome-ignore lint/suspicious/noExplicitAny: any option, whatever its value type
export type AnyOption = Option<any, any>
/** A program's options, by the name of the field each becomes. */
export type Table = Readonly<Record<string, AnyOption>>
/** The typed object `read` returns for a table. */
// A default other than null/undefined is a value of the option's own type: only those two widen it.
export type Values<T extends Table> = {
  -readonly [K in keyof T]: T[K] extends Option<infer V, infer D> ? V | Extract<D, null | undefined> : never
}

/** What every helper takes: where the value comes from, its default and how --help shows it. */
export interface Spec<T, D> {
  readonly env?: string
  readonly flag?: string
  readonly short?: string
  readonly description: string
  readonly default?: D
  /** How --help shows the default (e.g. "(random)"); by default the default itself. */
  readonly defaultText?: string
  /** What is accepted, in words, instead of the kind's own text. */
  readonly allowed?: string
  /** The flag's value in --help instead of the kind's own, e.g. `<name|module>`. */
  readonly placeholder?: string
  /** A further rule on a value of the right kind; a value failing it is refused with `allowed`. */
  readonly check?: (value: T) => boolean
}

type Maker<T> = { kind: Kind; allowed: string; placeholder: string; parse: (raw: string) => T | Refused | Refusal }

function option<T, D>(
  spec: Spec<T, D>,
  made: Maker<T>,
  extra: Partial<Pick<AnyOption, 'takesValue' | 'multiple' | 'negatable' | 'isHelp'>> = {},
): Option<T, D> {
  if (spec.env === undefined && spec.flag === undefined) throw new TypeError(`option "${spec.description}" has neither env nor flag`)
  const check = spec.check
  const parse =
    check === undefined
      ? made.parse
      : (raw: string) => {
          const value = made.parse(raw)
          return isRefused(value) || check(value) ? value : REFUSED
        }
  const d = spec.default as D
  return {
    kind: made.kind,
    env: spec.env,
    flag: spec.flag,
    short: spec.short,
    description: spec.description,
    default: d,
    defaultText: spec.defaultText ?? showDefault(d),
    allowed: spec.allowed ?? made.allowed,
    placeholder: spec.placeholder ?? made.placeholder,
    takesValue: extra.takesValue ?? true,
    multiple: extra.multiple ?? false,
    negatable: extra.negatable ?? false,
    isHelp: extra.isHelp ?? false,
    parse,
  }
}

function showDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(showDefault).join(',')
  if (typeof value === 'object' && 'width' in value && 'height' in value) return `${value.width}x${value.height}`
  if (typeof value === 'object' && 'from' in value && 'to' in value)
    return value.from === value.to ? `${value.from}` : `${value.from}-${value.to}`
  return String(value)
}

/** Plain decimal digits: no sign, no spaces, no exponent, no fraction, no hex. */
const DIGITS = /^[0-9]+$/

function wholeNumber(min: number, max: number): (raw: string) => number | Refused {
  return (raw) => {
    const n = DIGITS.test(raw) ? Number(raw) : Number.NaN
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : REFUSED
  }
}

/** An integer from `min` to `max`, written in plain decimal digits. */
export function integer<const D extends number | null | undefined = undefined>(
  spec: Spec<number, D> & { readonly min: number; readonly max: number },
): Option<number, D> {
  return option(spec, {
    kind: 'integer',
    allowed: `an integer from ${spec.min} to ${spec.max}`,
    placeholder: '<n>',
    parse: wholeNumber(spec.min, spec.max),
  })
}

/** A time in whole milliseconds from `min` to `max` (plain decimal digits, no unit). */
export function duration<const D extends number | null | undefined = undefined>(
  spec: Spec<number, D> & { readonly min: number; readonly max: number },
): Option<number, D> {
  return option(spec, {
    kind: 'duration',
    allowed: `a time in milliseconds, an integer from ${spec.min} to ${spec.max}`,
    placeholder: '<ms>',
    parse: wholeNumber(spec.min, spec.max),
  })
}

/** A number with an optional decimal fraction (`0.5`), greater than `above` or at least `min`, at most `max`. */
export function decimal<const D extends number | null | undefined = undefined>(
  spec: Spec<number, D> &
    ({ readonly min: number; readonly above?: never } | { readonly above: number; readonly min?: never }) & { readonly max: number },
): Option<number, D> {
  const low = spec.above !== undefined ? `greater than ${spec.above}` : `from ${spec.min}`
  return option(spec, {
    kind: 'decimal',
    allowed: `a number ${low}${spec.above !== undefined ? ' and' : ' to'} ${spec.above !== undefined ? 'at most ' : ''}${spec.max} (digits, optionally a fraction: 0.5)`,
    placeholder: '<n>',
    parse: (raw) => {
      const n = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : Number.NaN
      const lowOk = spec.above !== undefined ? n > spec.above : n >= (spec.min ?? 0)
      return Number.isFinite(n) && lowOk && n <= spec.max ? n : REFUSED
    },
  })
}

/** A share from 0 to 1 written in plain decimal digits (`0`, `0.25`, `1`): no sign, exponent or hex. */
export function fraction<const D extends number | null | undefined = undefined>(spec: Spec<number, D>): Option<number, D> {
  return option(spec, {
    kind: 'fraction',
    allowed: 'a fraction from 0 to 1, in digits (0, 0.25, 1)',
    placeholder: '<0..1>',
    parse: (raw) => {
      const n = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : Number.NaN
      return n >= 0 && n <= 1 ? n : REFUSED
    },
  })
}

/** Any text (never blank, never with surrounding whitespace). */
export function string<const D extends string | null | undefined = undefined>(spec: Spec<string, D>): Option<string, D> {
  return option(spec, { kind: 'string', allowed: 'any text', placeholder: '<text>', parse: (raw) => raw })
}

/** One of a fixed set of words. */
export function oneOf<const V extends string, const D extends V | null | undefined = undefined>(
  values: readonly V[],
  spec: Spec<V, D>,
): Option<V, D> {
  return option(spec, {
    kind: 'enum',
    allowed: `one of ${values.join(', ')}`,
    placeholder: `<${values.join('|')}>`,
    parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as V) : REFUSED),
  })
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false }

/**
 * A switch: the flag takes no value (`--quiet`; with `negatable`, `--no-quiet` too), the variable is
 * true, false, 1 or 0. Its default is false unless given.
 */
export function boolean(spec: Spec<boolean, boolean> & { readonly negatable?: boolean }): Option<boolean, boolean> {
  return option(
    {
      ...spec,
      default: spec.default ?? false,
      defaultText: spec.defaultText ?? (spec.env !== undefined ? String(spec.default ?? false) : undefined),
    },
    { kind: 'boolean', allowed: 'true, false, 1 or 0', placeholder: '', parse: (raw) => BOOLEAN_WORDS[raw] ?? REFUSED },
    { takesValue: false, negatable: spec.negatable ?? false },
  )
}

/** `-h, --help`: with it, nothing else is validated and every other option has its default. */
export function helpFlag(description = 'print this help'): Option<boolean, boolean> {
  return option(
    { flag: 'help', short: 'h', description, default: false },
    { kind: 'boolean', allowed: '', placeholder: '', parse: () => true },
    { takesValue: false, isHelp: true },
  )
}

/** An http:// or https:// URL without query, fragment or credentials; the value is the URL without trailing slashes. */
export function url<const D extends string | null | undefined = undefined>(spec: Spec<string, D>): Option<string, D> {
  return option(spec, {
    kind: 'url',
    allowed: 'an http:// or https:// URL without query, fragment or credentials',
    placeholder: '<url>',
    parse: (raw) => {
      let parsed: URL
      try {
        parsed = new URL(raw)
      } catch {
        return REFUSED
      }
      if (
        (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
        parsed.search ||
        parsed.hash ||
        parsed.username ||
        parsed.password
      )
        return REFUSED
      return parsed.href.replace(/\/+$/, '')
    },
  })
}

/** A maze size: the value type of `size`. */
export interface Size {
  readonly width: number
  readonly height: number
}

/** How a size is written: width, a lowercase x, height, in plain digits (`80x20`; not `80 x 20`, `80×20` or `80X20`). */
export const SIZE_GRAMMAR = 'WIDTHxHEIGHT such as 80x20 (digits, a lowercase x, no spaces)'
const SIZE_PATTERN = /^([0-9]{1,6})x([0-9]{1,6})$/

/**
 * A size as written (`80x20`), checked against the maze's one size rule (`sizeProblem` of
 * @maze-sim/maze) unless `anySize` (then only at least 1 x 1: a program that measures refusals).
 */
export function parseSizeValue(raw: string, anySize = false): Size | Refused | Refusal {
  const m = SIZE_PATTERN.exec(raw)
  if (m === null) return REFUSED
  const size = { width: Number(m[1]), height: Number(m[2]) }
  if (anySize) return size.width >= 1 && size.height >= 1 ? size : REFUSED
  const problem = sizeProblem(size.width, size.height)
  return problem === null ? size : new Refusal(problem)
}

const sizeAllowed = (anySize: boolean | undefined): string =>
  anySize ? `${SIZE_GRAMMAR}, each side at least 1` : `${SIZE_GRAMMAR}, where ${SIZE_RULE}`

/** A maze size written WIDTHxHEIGHT, under the maze's one size rule (`sizeProblem` of @maze-sim/maze). */
export function size<D extends Size | null | undefined = undefined>(spec: Spec<Size, D> & { readonly anySize?: boolean }): Option<Size, D> {
  return option(spec, {
    kind: 'size',
    allowed: sizeAllowed(spec.anySize),
    placeholder: '<WxH>',
    parse: (raw) => parseSizeValue(raw, spec.anySize),
  })
}

/** Several sizes, comma-separated (`80x20,160x40`), each as `size` reads it; a size given twice is refused. */
export function sizes<D extends Size[] | null | undefined = undefined>(
  spec: Spec<Size[], D> & { readonly anySize?: boolean },
): Option<Size[], D> {
  return option(spec, {
    kind: 'sizes',
    allowed: `sizes separated by commas, each ${sizeAllowed(spec.anySize)}; each size once`,
    placeholder: '<WxH[,WxH...]>',
    parse: (raw) => {
      const out: Size[] = []
      for (const part of raw.split(',')) {
        const item = part.trim()
        const value = item === '' ? REFUSED : parseSizeValue(item, spec.anySize)
        if (value === REFUSED) return new Refusal(`${JSON.stringify(item)} is not a size`)
        if (value instanceof Refusal) return new Refusal(`${item}: ${value.reason}`)
        if (out.some((s) => s.width === value.width && s.height === value.height)) return new Refusal(`${item} is listed twice`)
        out.push(value)
      }
      return out
    },
  })
}

export type { SeedSpan }

/**
 * A list of maze seeds in the one grammar of @maze-sim/maze (`parseSeedSpans`): `1-200`, `1,5,9-12`;
 * each seed at most once, unless `repeats` (a seed given again is played again). The value is the
 * spans as written (not expanded); `limit` bounds the number of seeds.
 */
export function seedList<D extends SeedSpan[] | null | undefined = undefined>(
  spec: Spec<SeedSpan[], D> & { readonly limit?: number; readonly repeats?: boolean },
): Option<SeedSpan[], D> {
  const { limit, repeats = false } = spec
  const rule = seedListRule(repeats)
  return option(spec, {
    kind: 'seeds',
    allowed: limit === undefined ? rule : `${rule}; at most ${limit} seeds`,
    placeholder: '<1-200|1,5,9-12>',
    parse: (raw) => {
      const spans = parseSeedSpans(raw, limit, { repeats })
      return typeof spans === 'string' ? new Refusal(spans) : spans
    },
  })
}

/**
 * A comma-separated list (spaces around the commas are allowed, an empty item is not). Each item is
 * read as `of` reads a value (a string by default).
 */
export function list<T = string, D extends T[] | null | undefined = undefined>(
  spec: Spec<T[], D> & { readonly of?: Pick<Option<T, unknown>, 'allowed' | 'parse'> },
): Option<T[], D> {
  const of = spec.of ?? { allowed: 'any text', parse: (raw: string) => raw as T }
  return option(spec, {
    kind: 'list',
    allowed: `a comma-separated list, each item ${of.allowed}`,
    placeholder: '<a,b,...>',
    parse: (raw) => {
      const items: T[] = []
      for (const part of raw.split(',')) {
        const item = part.trim()
        const value = item === '' ? REFUSED : of.parse(item)
        if (isRefused(value)) return value
        items.push(value)
      }
      return items
    },
  })
}

/** A flag that may be given several times (`--from a --from b`); each value is text. Default: none. */
export function repeated(spec: Spec<string, never>): Option<string[], string[]> {
  return option(
    { ...spec, default: [] as string[] } as Spec<string[], string[]>,
    { kind: 'repeated', allowed: 'any text', placeholder: '<text>', parse: (raw) => [raw] },
    { multiple: true },
  )
}

/** The configuration could not be read: every problem, each naming its variable or flag. */
export class ConfigProblems extends Error {
  override readonly name = 'ConfigProblems'
  readonly code = 'CONFIG_ERR_INVALID'
  /** One line each, starting with the variable or flag. */
  readonly problems: readonly string[]
  /** True when the command line itself could not be parsed (an unknown flag, a missing value, a stray argument). */
  readonly commandLine: boolean
  constructor(problems: readonly string[], options: ErrorOptions & { commandLine?: boolean } = {}) {
    super(problems.join('\n'), options)
    this.problems = problems
    this.commandLine = options.commandLine ?? false
  }
}

/** What `read` reads: the environment, the arguments, and whether arguments besides flags are allowed. */
export interface ReadInput {
  readonly env?: Env
  readonly argv?: readonly string[]
  /** Allow arguments that are not flags (job ids, a file); refused by default. */
  readonly positionals?: boolean
}

/** A rule on several options together, checked once each of them was read without a problem. */
export interface Rule<T extends Table> {
  readonly keys: readonly (keyof T & string)[]
  /** What is wrong with the values together, or null. */
  readonly problem: (values: Values<T>) => string | null
}

/** A table read: the values, where each given value came from, and the other arguments. */
export interface Reading<T extends Table> {
  readonly values: Values<T>
  /** The flag (`--width`) or variable (`MAZE_WIDTH`) each value came from; absent: the default. */
  readonly sources: Partial<Record<keyof T, string>>
  readonly positionals: string[]
  /** `--help` was given: nothing else was validated. */
  readonly help: boolean
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>

function flagOptions(table: Table): FlagOptions {
  const options: FlagOptions = {}
  for (const opt of Object.values(table)) {
    if (opt.flag === undefined) continue
    options[opt.flag] = {
      type: opt.takesValue ? 'string' : 'boolean',
      ...(opt.short ? { short: opt.short } : {}),
      ...(opt.multiple ? { multiple: true } : {}),
    }
  }
  return options
}

/**
 * `--seed -5`: util.parseArgs refuses a value that starts with a dash ("argument is ambiguous"). A
 * negative number after a flag that takes a value is that flag's value (as if `--seed=-5` were
 * written), so it is refused with the flag's own message. Anything after `--` is left alone.
 */
export function joinNegativeNumbers(args: readonly string[], options: FlagOptions): string[] {
  const takesValue = (arg: string): boolean => {
    if (arg.startsWith('--')) return options[arg.slice(2)]?.type === 'string'
    return /^-[A-Za-z]$/.test(arg) && Object.values(options).some((o) => o.short === arg[1] && o.type === 'string')
  }
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      out.push(...args.slice(i))
      break
    }
    const next = args[i + 1]
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** parseArgs' message on one line, without its advice on positionals. */
const oneLine = (message: string): string =>
  message
    .replace(/\.?\s*To specify a positional argument.*$/s, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\.$/, '')

/** How a value is named in a message: `MAZE_WIDTH=" 80"`, `--width="-3"`. */
const shown = (source: string, raw: string): string => `${source}=${JSON.stringify(raw)}`

/** Why `raw` is refused, or null: the rules every kind shares, then the kind's own. */
function refusal(opt: AnyOption, source: string, raw: string): string | null {
  if (raw.trim() === '') {
    const unset = source.startsWith('-') ? 'leave the flag out for the default' : 'an empty variable counts as unset'
    return `${shown(source, raw)} is blank: expected ${opt.allowed} (${unset})`
  }
  if (raw !== raw.trim()) return `${shown(source, raw)} has spaces around it: expected ${opt.allowed}`
  return null
}

/**
 * Reads `table` from the environment and the command line: the flag wins over the variable, an empty
 * variable counts as unset, the default fills the rest. Throws {@link ConfigProblems} listing every
 * problem (the command line's own, such as an unknown flag, alone: nothing else can be read then).
 */
export function readDetailed<T extends Table>(table: T, input: ReadInput = {}, rules: readonly Rule<T>[] = []): Reading<T> {
  const env = input.env ?? {}
  const options = flagOptions(table)
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] }
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(input.argv ?? [], options),
      options,
      strict: true,
      allowPositionals: input.positionals ?? false,
      allowNegative: Object.values(table).some((o) => o.negatable),
    })
  } catch (err) {
    throw new ConfigProblems([oneLine((err as Error).message)], { cause: err, commandLine: true })
  }
  const flags = parsed.values
  for (const opt of Object.values(table)) {
    if (opt.flag !== undefined && flags[opt.flag] === false && !opt.negatable) {
      throw new ConfigProblems([`Unknown option '--no-${opt.flag}'`], { commandLine: true })
    }
  }
  const isHelp = Object.values(table).some((o) => o.isHelp && o.flag !== undefined && flags[o.flag] === true)

  const values: Record<string, unknown> = {}
  const sources: Record<string, string> = {}
  const failed = new Set<string>()
  const problems: string[] = []
  for (const [key, opt] of Object.entries(table)) {
    values[key] = opt.default
    const fromFlag = opt.flag === undefined ? undefined : flags[opt.flag]
    let raws: string[]
    if (fromFlag !== undefined) {
      sources[key] = `--${opt.flag}`
      if (!opt.takesValue) {
        values[key] = fromFlag
        continue
      }
      raws = (Array.isArray(fromFlag) ? fromFlag : [fromFlag]).map(String)
    } else {
      const raw = opt.env === undefined ? undefined : env[opt.env]
      if (raw === undefined || raw === '') continue
      sources[key] = opt.env!
      raws = [raw]
    }
    const read: unknown[] = []
    for (const raw of raws) {
      const value = parseOne(opt, sources[key]!, raw)
      if (value instanceof Problem) {
        problems.push(value.text)
        failed.add(key)
      } else read.push(...(opt.multiple ? (value as unknown[]) : [value]))
    }
    if (!failed.has(key)) values[key] = opt.multiple ? read : read[0]
  }
  // With --help the values are what could be read: nothing is refused.
  if (isHelp) problems.length = 0
  if (!isHelp) {
    for (const rule of rules) {
      if (rule.keys.some((k) => failed.has(k))) continue
      const problem = rule.problem(values as Values<T>)
      if (problem === null) continue
      const named = rule.keys.map((k) => {
        const opt = table[k]!
        const source = sources[k] ?? (opt.flag !== undefined ? `--${opt.flag}` : opt.env!)
        return `${source}=${showDefault(values[k]) ?? String(values[k])}${sources[k] === undefined ? ' (the default)' : ''}`
      })
      problems.push(`${named.join(' and ')} are not allowed together: ${problem}`)
    }
  }
  if (problems.length > 0) throw new ConfigProblems(problems)
  return {
    values: values as Values<T>,
    sources: sources as Partial<Record<keyof T, string>>,
    positionals: parsed.positionals,
    help: isHelp,
  }
}

class Problem {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

/** The value of a switch's variable, or of any option that takes one; or why it is refused. */
function parseOne(opt: AnyOption, source: string, raw: string): unknown {
  const refused = refusal(opt, source, raw)
  if (refused !== null) return new Problem(refused)
  const value = opt.parse(raw)
  if (value === REFUSED) return new Problem(`${shown(source, raw)} is not allowed: expected ${opt.allowed}`)
  if (value instanceof Refusal) return new Problem(`${shown(source, raw)} is not allowed: ${value.reason}; expected ${opt.allowed}`)
  return value
}

/** {@link readDetailed}'s values: the typed configuration. */
export function read<T extends Table>(table: T, input: ReadInput = {}, rules: readonly Rule<T>[] = []): Values<T> {
  return readDetailed(table, input, rules).values
}

/** One row of --help: an option as a person reads it. */
export interface HelpRow {
  readonly flag: string | null
  readonly env: string | null
  readonly description: string
  readonly default: string | null
  readonly allowed: string | null
}

/** The rows `help` prints, in the table's order. */
export function helpRows(table: Table): HelpRow[] {
  return Object.values(table).map((opt) => {
    const flag =
      opt.flag === undefined
        ? null
        : `${opt.short ? `-${opt.short}, ` : ''}--${opt.negatable && opt.default === true ? `no-${opt.flag}` : opt.flag}${opt.placeholder ? ` ${opt.placeholder}` : ''}`
    const showsValue = opt.takesValue || opt.env !== undefined
    return {
      flag,
      env: opt.env ?? null,
      description: opt.description,
      default: showsValue ? (opt.defaultText ?? null) : null,
      allowed: showsValue && opt.allowed !== 'any text' ? opt.allowed : null,
    }
  })
}

/**
 * The options section of --help: flag, variable, description, then `default: …; allowed: …` under
 * it. A column with nothing in it (no flags, no variables) is left out.
 */
export function help(table: Table): string {
  const rows = helpRows(table)
  const flagWidth = Math.max(0, ...rows.map((r) => r.flag?.length ?? 0))
  const envWidth = Math.max(0, ...rows.map((r) => r.env?.length ?? 0))
  const indent = 2 + (flagWidth > 0 ? flagWidth + 2 : 0) + (envWidth > 0 ? envWidth + 2 : 0)
  const out: string[] = []
  for (const row of rows) {
    let head = '  '
    if (flagWidth > 0) head += `${(row.flag ?? '').padEnd(flagWidth)}  `
    if (envWidth > 0) head += `${(row.env ?? '').padEnd(envWidth)}  `
    const detail = [row.default !== null ? `default: ${row.default}` : null, row.allowed ? `allowed: ${row.allowed}` : null]
      .filter((x) => x !== null)
      .join('; ')
    // Not wrapped: an allowed text (the size rule) stays one searchable line.
    const text = [row.description, ...(detail ? [detail] : [])]
    out.push(`${head}${text[0]}`.trimEnd())
    for (const line of text.slice(1)) out.push(`${' '.repeat(indent)}${line}`)
  }
  return `${out.join('\n')}\n`
}

/** The same option with another flag, variable, description or default text: one program's option reused by another. */
export function extend<T, D>(
  opt: Option<T, D>,
  changes: {
    readonly env?: string | undefined
    readonly flag?: string | undefined
    readonly short?: string | undefined
    readonly description?: string
    readonly defaultText?: string
    readonly allowed?: string
  },
): Option<T, D> {
  return { ...opt, ...changes }
}
