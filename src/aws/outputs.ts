/**
 * Step outputs from a publish result (the action sets them with core.setOutput; the CLI prints
 * the result as JSON). Values are strings, as GitHub outputs are. The first successful region
 * supplies the single-value outputs; `layer-version-arns` maps every successful region.
 */
import type { PublishResult } from './publish.js';

export interface PublishOutputs {
  /** arn:aws:lambda:REGION:ACCOUNT:layer:NAME (first region). */
  readonly 'layer-arn': string;
  /** arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION (first region): what a function references. */
  readonly 'layer-version-arn': string;
  readonly 'layer-version': string;
  /** "true" when every successful region reused an existing version. */
  readonly reused: string;
  /** JSON object region -> layer version ARN. */
  readonly 'layer-version-arns': string;
}

export function publishOutputs(result: PublishResult): PublishOutputs {
  const ok = result.regions.filter((r) => r.ok);
  const first = ok[0];
  return {
    'layer-arn': first?.layerArn ?? '',
    'layer-version-arn': first?.layerVersionArn ?? '',
    'layer-version': first?.version === undefined ? '' : String(first.version),
    reused: String(ok.length > 0 && ok.every((r) => r.reused)),
    'layer-version-arns': JSON.stringify(Object.fromEntries(ok.map((r) => [r.region, r.layerVersionArn]))),
  };
}
