/**
 * One rule for the region in every command that talks to AWS: the --region flag, else
 * AWS_REGION, else AWS_DEFAULT_REGION (the order the AWS SDKs and the AWS CLI use), else an
 * error naming --region. No command guesses a region: a layer published to or a stack deployed
 * in a region nobody chose is hard to find.
 */
import { validateRegions } from '../aws/validation.js';
import { InputError } from '../errors.js';

/** Every --region given (repeatable, comma separated), or the one the environment names. */
export function regionsFrom(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const given = (flags ?? []).flatMap((r) => r.split(','));
  if (given.length > 0) return validateRegions(given, '--region');
  const fromEnv = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (fromEnv)
    return validateRegions([fromEnv], env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION');
  throw new InputError('--region', 'no region given', {
    hint: 'pass --region REGION (e.g. --region eu-west-1), or set AWS_REGION',
  });
}

/** The one region of a command that works in one (deploy). */
export function regionFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const regions = regionsFrom(flag === undefined ? undefined : [flag], env);
  if (regions.length > 1) throw new InputError('--region', `give one region, not ${regions.join(', ')}`);
  return regions[0] as string;
}
