// Who the caller is, before anything is synthesized for or sent to their account: the region (no
// network) and the account of their credentials (STS GetCallerIdentity, bounded like every call of
// the batch CLI). Missing either stops the command at once, with what to do.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { awsError, clientConfig, isBatchError, resolveRegion, usageError, type AwsOptions } from '@maze-sim/batch'

export const createStsClient = (o: AwsOptions = {}): STSClient => new STSClient(clientConfig(o))

/** The region of the flags, the environment or the profile; missing: BATCH_ERR_USAGE naming the ways to give it. */
export async function requireRegion(o: AwsOptions): Promise<string> {
  const region = await resolveRegion(o)
  if (region === undefined || region === '')
    throw usageError('the AWS region is missing: pass --region, set AWS_REGION, or set a region in your AWS profile')
  return region
}

/** The account of the caller's credentials; none usable: BATCH_ERR_AWS with a hint, before any other call. */
export async function callerAccount(o: AwsOptions, expected?: string): Promise<string> {
  const client = createStsClient(o)
  try {
    const { Account } = await client.send(new GetCallerIdentityCommand({}))
    if (Account === undefined) throw new Error('GetCallerIdentity returned no account')
    if (expected !== undefined && expected !== Account)
      throw usageError(
        `--account ${expected} (or AWS_ACCOUNT_ID) is not the credentials' account ${Account}: use the profile of ${expected}, or leave --account out`,
      )
    return Account
  } catch (err) {
    if (isBatchError(err)) throw err
    throw awsError(err, 'GetCallerIdentity (who are these credentials?)')
  } finally {
    client.destroy()
  }
}
