/**
 * Figure 3: publishing an unchanged layer again, with the real AWS SDK clients against the local
 * AWS test server. Per sample, under a fresh layer name: publish the zip of one cold build (what
 * a pipeline without reuse does on every run: one PublishLayerVersion), then publish the zip of
 * ANOTHER cold build of the same inputs. The second must find the first by CodeSha256 and make
 * no PublishLayerVersion call at all, which also proves the builds are byte-identical.
 */

import { layerDescription } from '../src/aws/description.js';
import { type PublishRequest, publishLayer } from '../src/aws/publish.js';
import { memoryLogger } from '../src/log.js';
import { LAMBDA_LIMITS } from '../src/target.js';
import { applyEnv, startAwsTestServer } from '../test/support/aws-server/index.js';
import { type Summary, summarize } from './stats.js';

export interface BuiltZip {
  readonly zipPath: string;
  readonly codeSha256: string;
  readonly zipSize: number;
  readonly requirementsHash: string;
}

export interface RepublishMeasurement {
  /** Publishing a new version (what every run costs without reuse), ms. */
  readonly firstPublishMs: Summary;
  /** Publishing the rebuilt, unchanged layer again, ms. */
  readonly republishMs: Summary;
  /** PublishLayerVersion calls made by each re-publish (target: all 0). */
  readonly republishPublishCalls: readonly number[];
  /** API calls of one re-publish, by operation (the last sample). */
  readonly republishCalls: Record<string, number>;
  readonly uploadedVia: string;
  readonly region: string;
}

const REGION = 'us-east-1';
const BUCKET = `bench-staging-${REGION}`;

export async function measureRepublish(
  workload: string,
  first: BuiltZip,
  rebuilt: BuiltZip,
  runs: number,
): Promise<RepublishMeasurement> {
  const aws = await startAwsTestServer({ buckets: { [BUCKET]: REGION }, region: REGION });
  const restoreEnv = applyEnv(aws.env);
  try {
    const request = (zip: BuiltZip, layerName: string): PublishRequest => ({
      zipPath: zip.zipPath,
      codeSha256: zip.codeSha256,
      layerName,
      regions: [REGION],
      compatibleRuntimes: ['python3.11'],
      compatibleArchitectures: ['x86_64'],
      description: layerDescription({ codeSha256: zip.codeSha256, requirementsHash: zip.requirementsHash }),
      // What a user must do for a zip over the direct-upload limit: stage it in S3.
      ...(zip.zipSize > LAMBDA_LIMITS.directUploadZipBytes ? { s3Bucket: 'bench-staging-{region}' } : {}),
    });
    const firstMs: number[] = [];
    const againMs: number[] = [];
    const publishCalls: number[] = [];
    let lastCalls: Record<string, number> = {};
    let uploadedVia = '';
    // Sample 0 is the warm-up (SDK clients, server, page cache), not recorded.
    for (let i = 0; i <= runs; i++) {
      const layerName = `bench-${workload}-${i}`;
      let started = performance.now();
      const published = await publishLayer(request(first, layerName), {}, memoryLogger());
      const publishMs = performance.now() - started;
      const region = published.regions[0];
      if (!published.ok || region?.reused !== false) {
        throw new Error(
          `first publish of ${layerName} did not publish a new version: ${JSON.stringify(region)}`,
        );
      }
      uploadedVia = region.uploadedVia ?? '';
      aws.resetCalls();
      started = performance.now();
      const again = await publishLayer(request(rebuilt, layerName), {}, memoryLogger());
      const republishMs = performance.now() - started;
      if (!again.ok) throw new Error(`re-publish of ${layerName} failed: ${JSON.stringify(again.regions)}`);
      if (i === 0) continue;
      firstMs.push(publishMs);
      againMs.push(republishMs);
      publishCalls.push(aws.calls.PublishLayerVersion);
      lastCalls = Object.fromEntries(Object.entries(aws.calls).filter(([, count]) => count > 0));
    }
    return {
      firstPublishMs: summarize(firstMs),
      republishMs: summarize(againMs),
      republishPublishCalls: publishCalls,
      republishCalls: lastCalls,
      uploadedVia,
      region: REGION,
    };
  } finally {
    restoreEnv();
    await aws.close();
  }
}
