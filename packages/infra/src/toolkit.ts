// The CDK Toolkit Library (synth, diff, deploy, destroy from code) around the app of app.ts: no
// `cdk` CLI, no cdk.json, no subprocess. Its messages go to the command's stderr; questions get
// their default answer (the command line has already asked what it needs: --yes for destroy).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BaseCredentials,
  type ICloudAssemblySource,
  StackSelectionStrategy,
  Toolkit,
  ToolkitError,
  type IIoHost,
  type IoMessage,
  type IoRequest,
} from '@aws-cdk/toolkit-lib'
import { BatchError, BatchErrorCode, isBatchError, type CliIo } from '@maze-sim/batch'
import { buildApp, type AppOptions } from './app.ts'

/** The toolkit's "Do you wish to deploy these changes?" (its answer: yes, the default). */
const DEPLOY_CONFIRMATION = 'CDK_TOOLKIT_I5060'

/** Messages of these levels are printed; debug and trace only with DEBUG set. */
const SHOWN = new Set(['error', 'result', 'warn', 'info'])

/** An IoHost that writes the toolkit's messages to the command's stderr. */
export function ioHostFor(io: CliIo): IIoHost {
  const debug = io.env.DEBUG !== undefined && io.env.DEBUG !== ''
  return {
    async notify(msg: IoMessage<unknown>) {
      if (SHOWN.has(msg.level) || debug) io.stderr(`${msg.message}\n`)
    },
    async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
      // The deploy's confirmation repeats the diff the command has just printed: its motivation is enough.
      if (msg.code === DEPLOY_CONFIRMATION)
        io.stderr(`${(msg.data as { motivation?: string }).motivation ?? 'Stack includes updates'}: deploying\n`)
      else if (SHOWN.has(msg.level) || debug) io.stderr(`${msg.message}\n`)
      return msg.defaultResponse
    },
  }
}

/** The toolkit; its own SDK reads the standard credential chain, `profile` (--profile) first. */
export const toolkitFor = (io: CliIo, profile?: string): Toolkit =>
  new Toolkit({
    ioHost: ioHostFor(io),
    emojis: false,
    color: false,
    ...(profile !== undefined ? { sdkConfig: { baseCredentials: BaseCredentials.awsCliCompatible({ profile }) } } : {}),
  })

/**
 * Runs `action` with the app as a cloud assembly source, synthesized into a temporary directory that
 * is removed afterwards, whatever happens. The builder makes the App itself and never reads
 * CDK_DEFAULT_*: the account and region are given.
 */
export async function withAssemblySource<T>(
  toolkit: Toolkit,
  options: AppOptions,
  action: (source: ICloudAssemblySource) => Promise<T>,
): Promise<T> {
  const outdir = mkdtempSync(join(tmpdir(), 'maze-sim-cdk-'))
  try {
    const source = await toolkit.fromAssemblyBuilder(
      async () => {
        const { app } = buildApp({ ...options, outdir })
        return app.synth()
      },
      // No context lookups (VPCs, AMIs, zones): the stack needs none, and a synth must never call AWS.
      { outdir, clobberEnv: false, resolveDefaultEnvironment: false, lookups: false },
    )
    return await action(source)
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

export const ALL_STACKS = { strategy: StackSelectionStrategy.ALL_STACKS } as const

/**
 * A toolkit failure as a BatchError: the synth refused (cdk-nag, a bad option) is BATCH_ERR_TEMPLATE,
 * anything AWS did or refused is BATCH_ERR_AWS, with a hint for missing credentials.
 */
export function toolkitError(err: unknown, doing: string): BatchError {
  if (isBatchError(err)) return err
  const message = (err as Error).message ?? String(err)
  if (ToolkitError.isAssemblyError(err) || /Validation failed/i.test(message))
    return new BatchError(BatchErrorCode.Template, `${doing}: the stack did not synthesize: ${message}`, { cause: err })
  const hint = ToolkitError.isAuthenticationError(err)
    ? ' No usable AWS credentials: set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`.'
    : ''
  return new BatchError(BatchErrorCode.Aws, `${doing} failed: ${message}${hint}`, { cause: err })
}

/** Runs a toolkit action, its failure as toolkitError. */
export async function toolkitAction<T>(doing: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (err) {
    throw toolkitError(err, doing)
  }
}
