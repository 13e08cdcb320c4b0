/**
 * publishLayer with the real AWS SDK clients against the local AWS test server: reuse by
 * CodeSha256, multi-region with one failing region, S3 staging, grants, pruning, and faults.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { layerDescription } from '../../src/aws/description.js';
import { PublishError, publishLayer } from '../../src/aws/publish.js';
import { UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { type AwsTestServer, applyEnv, startAwsTestServer } from '../support/aws-server/index.js';
import { FAST, publishRequest, type ZipOnDisk, zipOnDisk } from './helpers.js';

let aws: AwsTestServer;
let restoreEnv: () => void;
let zip: ZipOnDisk;
let layer = 0;
/** A fresh layer name per test: the server's state is shared by the file. */
let layerName: string;

beforeAll(async () => {
  aws = await startAwsTestServer({
    buckets: {
      'staging-eu-west-1': 'eu-west-1',
      'staging-us-east-1': 'us-east-1',
      'staging-elsewhere': 'ap-south-1',
    },
  });
  restoreEnv = applyEnv(aws.env);
  zip = await zipOnDisk({ 'python/requests/__init__.py': '__version__ = "2.32.3"\n' });
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  await zip.cleanup();
});
beforeEach(() => {
  layer += 1;
  layerName = `app-deps-${layer}`;
});
afterEach(() => aws.resetCalls());

describe('publish and reuse', () => {
  it('publishes once, then reuses the version with the same CodeSha256 (0 PublishLayerVersion calls)', async () => {
    const log = memoryLogger();
    const description = layerDescription({
      codeSha256: zip.codeSha256,
      requirementsHash: 'ab'.repeat(32),
      commit: 'c0ffee'.repeat(7),
    });
    const request = publishRequest(zip, { layerName, description, licenseInfo: 'MIT' });
    const first = await publishLayer(request, FAST, log);
    expect(first.ok).toBe(true);
    const [region] = first.regions;
    expect(region).toMatchObject({
      region: 'eu-west-1',
      reused: false,
      version: 1,
      uploadedVia: 'direct',
      layerArn: `arn:aws:lambda:eu-west-1:123456789012:layer:${layerName}`,
      layerVersionArn: `arn:aws:lambda:eu-west-1:123456789012:layer:${layerName}:1`,
    });
    const stored = aws.state.layerVersions('eu-west-1', layerName);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      codeSha256: zip.codeSha256,
      description,
      compatibleRuntimes: ['python3.11'],
      compatibleArchitectures: ['x86_64'],
      licenseInfo: 'MIT',
    });
    expect(aws.calls.PublishLayerVersion).toBe(1);

    aws.resetCalls();
    const started = performance.now();
    const again = await publishLayer(request, FAST, log);
    const elapsed = performance.now() - started;
    expect(again.regions[0]).toMatchObject({
      reused: true,
      version: 1,
      layerVersionArn: region?.layerVersionArn,
    });
    expect(aws.calls.PublishLayerVersion).toBe(0);
    expect(aws.calls.ListLayerVersions).toBe(1);
    expect(aws.calls.GetLayerVersion).toBe(1);
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(1);
    expect(log.lines.join('\n')).toContain('reused version 1 (same CodeSha256)');
    console.log(`re-publish (reuse) wall time: ${elapsed.toFixed(0)} ms, calls: List 1, Get 1, Publish 0`);
  });

  it('publishes a new version when the zip differs, and finds the match among many versions', async () => {
    const other = await zipOnDisk({ 'python/other.py': 'y = 2\n' });
    try {
      // Versions from another tool (no digest in the description) and our own.
      for (let i = 0; i < 4; i++) {
        aws.state.addLayerVersion('eu-west-1', layerName, Buffer.from(`PK\x05\x06${'\0'.repeat(18)}${i}`), {
          compatibleRuntimes: ['python3.11'],
          compatibleArchitectures: ['x86_64'],
        });
      }
      const req = (z: ZipOnDisk) =>
        publishRequest(z, { layerName, description: layerDescription({ codeSha256: z.codeSha256 }) });
      const a = await publishLayer(req(zip), FAST, memoryLogger());
      const b = await publishLayer(req(other), FAST, memoryLogger());
      expect(a.regions[0]?.version).toBe(5);
      expect(b.regions[0]?.version).toBe(6);
      aws.resetCalls();
      const again = await publishLayer(req(zip), FAST, memoryLogger());
      expect(again.regions[0]).toMatchObject({ reused: true, version: 5 });
      // The description's code digest points straight at version 5: one GetLayerVersion.
      expect(aws.calls.GetLayerVersion).toBe(1);
      expect(aws.calls.PublishLayerVersion).toBe(0);
    } finally {
      await other.cleanup();
    }
  });

  it('pages through ListLayerVersions to find an old identical version', async () => {
    const meta = { compatibleRuntimes: ['python3.11'], compatibleArchitectures: ['x86_64'] };
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(zip.zipPath));
    aws.state.addLayerVersion('eu-west-1', layerName, bytes, {
      ...meta,
      description: layerDescription({ codeSha256: zip.codeSha256 }),
    });
    for (let i = 0; i < 120; i++) {
      aws.state.addLayerVersion(
        'eu-west-1',
        layerName,
        Buffer.from(`PK\x05\x06${'\0'.repeat(18)}${i}`),
        meta,
      );
    }
    const result = await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger());
    expect(result.regions[0]).toMatchObject({ reused: true, version: 1 });
    expect(aws.calls.ListLayerVersions).toBe(3); // 50 + 50 + 21
    expect(aws.calls.GetLayerVersion).toBe(1);
  });

  it('does not reuse a version with the same bytes but other runtimes', async () => {
    await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger());
    const result = await publishLayer(
      publishRequest(zip, { layerName, compatibleRuntimes: ['python3.12'] }),
      FAST,
      memoryLogger(),
    );
    expect(result.regions[0]).toMatchObject({ reused: false, version: 2 });
  });

  it('rejects a CodeSha256 that does not match the zip, before any call', async () => {
    await expect(
      publishLayer(publishRequest(zip, { layerName, codeSha256: 'AAAA' }), FAST, memoryLogger()),
    ).rejects.toThrow(/does not match the file/);
    expect(aws.requests).toHaveLength(0);
  });

  it('validates inputs and names them', async () => {
    await expect(
      publishLayer(publishRequest(zip, { layerName: 'bad name!' }), FAST, memoryLogger()),
    ).rejects.toThrow(/Input "layer-name"/);
    await expect(
      publishLayer(publishRequest(zip, { layerName, regions: ['europe'] }), FAST, memoryLogger()),
    ).rejects.toThrow(/Input "region": "europe"/);
    await expect(
      publishLayer(
        publishRequest(zip, { layerName, grant: { accountIds: ['12345'] } }),
        FAST,
        memoryLogger(),
      ),
    ).rejects.toThrow(/Input "grant-account"/);
    await expect(
      publishLayer(
        publishRequest(zip, { layerName, grant: { organizationId: 'org-1' } }),
        FAST,
        memoryLogger(),
      ),
    ).rejects.toThrow(/Input "grant-org"/);
    await expect(
      publishLayer(publishRequest(zip, { layerName, keep: 0 }), FAST, memoryLogger()),
    ).rejects.toThrow(/Input "keep"/);
    expect(aws.requests).toHaveLength(0);
  });
});

describe('several regions', () => {
  it('publishes concurrently; one failing region is named and does not hide the others', async () => {
    aws.injectFault(
      'PublishLayerVersion',
      { kind: 'access-denied' },
      { region: 'ap-south-1', times: Infinity },
    );
    const log = memoryLogger();
    const error = await publishLayer(
      publishRequest(zip, { layerName, regions: ['eu-west-1', 'ap-south-1', 'us-east-1'] }),
      FAST,
      log,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    const publishError = error as PublishError;
    expect(publishError.message).toContain('failed in 1 of 3 region(s)');
    expect(publishError.message).toMatch(
      /ap-south-1: PublishLayerVersion failed: AccessDeniedException: .*lambda:PublishLayerVersion/,
    );
    expect(publishError.hint).toContain('docs/iam.md');
    const byRegion = Object.fromEntries(publishError.result.regions.map((r) => [r.region, r]));
    expect(byRegion['eu-west-1']).toMatchObject({ ok: true, version: 1, reused: false });
    expect(byRegion['us-east-1']).toMatchObject({
      ok: true,
      layerVersionArn: `arn:aws:lambda:us-east-1:123456789012:layer:${layerName}:1`,
    });
    expect(byRegion['ap-south-1']).toMatchObject({ ok: false });
    expect(publishError.result.regions.map((r) => r.region)).toEqual([
      'eu-west-1',
      'ap-south-1',
      'us-east-1',
    ]);
    expect(aws.state.layerVersions('ap-south-1', layerName)).toHaveLength(0);
    // The regions ran concurrently: both successful regions listed before either published.
    const order = aws.requests.filter((r) => r.op === 'ListLayerVersions' || r.op === 'PublishLayerVersion');
    expect(order.slice(0, 3).every((r) => r.op === 'ListLayerVersions')).toBe(true);
    aws.resetCalls();

    // Re-run once the permission is fixed: the two good regions reuse, the third publishes.
    const rerun = await publishLayer(
      publishRequest(zip, { layerName, regions: ['eu-west-1', 'ap-south-1', 'us-east-1'] }),
      FAST,
      memoryLogger(),
    );
    expect(rerun.regions.map((r) => [r.region, r.reused])).toEqual([
      ['eu-west-1', true],
      ['ap-south-1', false],
      ['us-east-1', true],
    ]);
    expect(aws.calls.PublishLayerVersion).toBe(1);
  });
});

describe('S3 staging', () => {
  it('uploads a zip over the direct-upload limit to S3, publishes from it, deletes the staging object', async () => {
    const result = await publishLayer(
      publishRequest(zip, {
        layerName,
        directUploadLimit: 100,
        s3Bucket: 'staging-{region}',
        regions: ['eu-west-1', 'us-east-1'],
      }),
      FAST,
      memoryLogger(),
    );
    expect(result.regions.map((r) => r.uploadedVia)).toEqual(['s3', 's3']);
    expect(aws.calls.PutObject).toBe(2);
    expect(aws.calls.DeleteObject).toBe(2);
    expect(aws.state.objectKeys('staging-eu-west-1')).toEqual([]);
    expect(aws.state.objectKeys('staging-us-east-1')).toEqual([]);
    expect(aws.state.layerVersions('us-east-1', layerName)[0]?.codeSha256).toBe(zip.codeSha256);
  });

  it('deletes the staging object when the publish fails, and leaves no version', async () => {
    aws.injectFault('PublishLayerVersion', { kind: 'access-denied' });
    const error = (await publishLayer(
      publishRequest(zip, { layerName, directUploadLimit: 100, s3Bucket: 'staging-eu-west-1' }),
      FAST,
      memoryLogger(),
    ).catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(aws.calls.PutObject).toBe(1);
    expect(aws.calls.DeleteObject).toBe(1);
    expect(aws.state.objectKeys('staging-eu-west-1')).toEqual([]);
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(0);
  });

  it('says the bucket must be in the layer region when it is not', async () => {
    const error = (await publishLayer(
      publishRequest(zip, { layerName, s3Bucket: 'staging-elsewhere' }),
      FAST,
      memoryLogger(),
    ).catch((e: unknown) => e)) as PublishError;
    expect(error.message).toContain('eu-west-1: Cannot upload the layer zip to s3://staging-elsewhere/');
    expect(error.message).toContain('is not in region eu-west-1');
    expect(aws.calls.PublishLayerVersion).toBe(0);
  });

  it('says when the bucket does not exist', async () => {
    const error = (await publishLayer(
      publishRequest(zip, { layerName, s3Bucket: 'no-such-bucket' }),
      FAST,
      memoryLogger(),
    ).catch((e: unknown) => e)) as PublishError;
    expect(error.message).toContain('bucket "no-such-bucket" does not exist');
  });

  it('refuses a zip over the limit without a bucket, before any call', async () => {
    await expect(
      publishLayer(publishRequest(zip, { layerName, directUploadLimit: 100 }), FAST, memoryLogger()),
    ).rejects.toThrow(/over the 100 B limit for a direct PublishLayerVersion upload/);
    expect(aws.requests).toHaveLength(0);
  });
});

describe('grants and pruning', () => {
  it('grants use to accounts and an organization, idempotently', async () => {
    const grant = { accountIds: ['111122223333', '444455556666'], organizationId: 'o-abcdef1234' };
    const first = await publishLayer(publishRequest(zip, { layerName, grant }), FAST, memoryLogger());
    expect(first.regions[0]?.granted).toEqual([
      'lambda-layer-account-111122223333',
      'lambda-layer-account-444455556666',
      'lambda-layer-org-o-abcdef1234',
    ]);
    const policy = aws.state.getLayerVersion('eu-west-1', layerName, 1)?.policy;
    expect(policy?.get('lambda-layer-org-o-abcdef1234')).toMatchObject({
      Principal: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } },
    });
    expect(policy?.get('lambda-layer-account-111122223333')).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
    });
    // Re-run: reused version, statements already there (ResourceConflictException) count as granted.
    const again = await publishLayer(publishRequest(zip, { layerName, grant }), FAST, memoryLogger());
    expect(again.regions[0]).toMatchObject({ ok: true, reused: true });
    expect(again.regions[0]?.granted).toHaveLength(3);
    expect(policy?.size).toBe(3);
  });

  it('keeps the newest versions and never the current one', async () => {
    for (let i = 0; i < 5; i++) {
      const z = await zipOnDisk({ [`python/v${i}.py`]: `v = ${i}\n` });
      await publishLayer(publishRequest(z, { layerName }), FAST, memoryLogger());
      await z.cleanup();
    }
    // Reuse an older version (zip == version 6 after this publish) with keep 2: current + newest other.
    const result = await publishLayer(publishRequest(zip, { layerName, keep: 2 }), FAST, memoryLogger());
    expect(result.regions[0]).toMatchObject({ version: 6, reused: false, pruned: [4, 3, 2, 1] });
    expect(aws.state.layerVersions('eu-west-1', layerName).map((v) => v.version)).toEqual([5, 6]);

    // Reusing version 6 while a newer one exists: 6 stays although it is not among the newest.
    const newer = await zipOnDisk({ 'python/newer.py': 'n = 1\n' });
    await publishLayer(publishRequest(newer, { layerName }), FAST, memoryLogger());
    await newer.cleanup();
    const keepOne = await publishLayer(publishRequest(zip, { layerName, keep: 1 }), FAST, memoryLogger());
    expect(keepOne.regions[0]).toMatchObject({ version: 6, reused: true });
    expect(aws.state.layerVersions('eu-west-1', layerName).map((v) => v.version)).toEqual([6]);
  });

  it('a prune that is denied is a warning, not a failure', async () => {
    await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger());
    const other = await zipOnDisk({ 'python/x.py': 'x = 3\n' });
    aws.injectFault('DeleteLayerVersion', { kind: 'access-denied' });
    const log = memoryLogger();
    const result = await publishLayer(publishRequest(other, { layerName, keep: 1 }), FAST, log);
    await other.cleanup();
    expect(result.ok).toBe(true);
    expect(result.regions[0]?.warnings[0]).toMatch(
      /could not delete old version 1: AccessDeniedException.*allow lambda:DeleteLayerVersion/,
    );
  });
});

describe('faults', () => {
  it('retries throttling and succeeds', async () => {
    aws.injectFault('ListLayerVersions', { kind: 'throttle' }, { times: 2 });
    aws.injectFault('PublishLayerVersion', { kind: 'throttle' }, { times: 2 });
    const result = await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger());
    expect(result.regions[0]).toMatchObject({ ok: true, version: 1 });
    expect(aws.calls.ListLayerVersions).toBe(3);
    expect(aws.calls.PublishLayerVersion).toBe(3);
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(1);
  });

  it('retries 5xx answers and succeeds, without a duplicate version', async () => {
    aws.injectFault('GetLayerVersion', { kind: 'server-error', status: 503 });
    aws.injectFault('PublishLayerVersion', { kind: 'server-error' }, { times: 2 });
    await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger()); // version 1
    const other = await zipOnDisk({ 'python/z.py': 'z = 1\n' });
    const result = await publishLayer(publishRequest(other, { layerName }), FAST, memoryLogger());
    await other.cleanup();
    expect(result.regions[0]).toMatchObject({ ok: true, version: 2 });
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(2);
  });

  it('an answer slower than the client timeout is retried; a publish that landed is adopted, not duplicated', async () => {
    // The version is created but the answer comes after the client gave up.
    aws.injectFault('PublishLayerVersion', { kind: 'delay', ms: 2500 });
    aws.injectFault('ListLayerVersions', { kind: 'delay', ms: 2500, effect: 'none' });
    const log = memoryLogger();
    const result = await publishLayer(publishRequest(zip, { layerName }), FAST, log);
    expect(result.regions[0]).toMatchObject({ ok: true, version: 1, reused: false });
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(1);
    expect(aws.calls.PublishLayerVersion).toBe(1);
    expect(log.lines.join('\n')).toMatch(
      /PublishLayerVersion reported TimeoutError, but version 1 with our CodeSha256 exists: using it/,
    );
  });

  it('gives a clear error when every attempt times out, and leaves nothing behind', async () => {
    aws.injectFault('PublishLayerVersion', { kind: 'delay', ms: 2500, effect: 'none' }, { times: Infinity });
    const error = (await publishLayer(
      publishRequest(zip, { layerName, s3Bucket: 'staging-eu-west-1' }),
      FAST,
      memoryLogger(),
    ).catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/eu-west-1: PublishLayerVersion failed: TimeoutError/);
    expect(aws.calls.PublishLayerVersion).toBe(FAST.maxAttempts);
    expect(aws.state.layerVersions('eu-west-1', layerName)).toHaveLength(0);
    expect(aws.state.objectKeys('staging-eu-west-1')).toEqual([]);
  });

  it('gives up on persistent throttling with the error named', async () => {
    aws.injectFault('ListLayerVersions', { kind: 'throttle' }, { times: Infinity });
    const error = (await publishLayer(publishRequest(zip, { layerName }), FAST, memoryLogger()).catch(
      (e: unknown) => e,
    )) as PublishError;
    expect(error.message).toMatch(
      /eu-west-1: ListLayerVersions failed: TooManyRequestsException: Rate exceeded/,
    );
    expect(aws.calls.ListLayerVersions).toBe(FAST.maxAttempts);
  });
});
