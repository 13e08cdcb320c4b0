/** Pure rules: input validation, descriptions, reuse candidates and pruning choices. */
import { describe, expect, it } from 'vitest';
import { codeMarker, layerDescription } from '../../src/aws/description.js';
import {
  type ExistingVersion,
  layerArnOf,
  reuseCandidates,
  versionsToPrune,
} from '../../src/aws/layer-versions.js';
import { publishOutputs } from '../../src/aws/outputs.js';
import { bucketForRegion } from '../../src/aws/s3-staging.js';
import { trustStatementFor } from '../../src/aws/trust-policy.js';
import {
  sanitizeRoleSessionName,
  validateLayerName,
  validateLicenseInfo,
  validateRegion,
  validateRegions,
  validateRoleArn,
} from '../../src/aws/validation.js';
import { InputError } from '../../src/errors.js';

describe('validation', () => {
  it('layer names follow Lambda: 1-140 of [a-zA-Z0-9_-]', () => {
    expect(validateLayerName('my_app-deps-1')).toBe('my_app-deps-1');
    expect(validateLayerName('a'.repeat(140))).toHaveLength(140);
    expect(() => validateLayerName('a'.repeat(141))).toThrow(/141 characters; Lambda allows 1-140/);
    expect(() => validateLayerName('')).toThrow(InputError);
    expect(() => validateLayerName('my.layer')).toThrow(/characters Lambda does not allow.*"\."/);
    expect(() => validateLayerName('arn:aws:lambda:us-east-1:123456789012:layer:x')).toThrow(/is an ARN/);
  });

  it('regions', () => {
    for (const r of [
      'us-east-1',
      'eu-central-2',
      'ap-southeast-4',
      'us-gov-west-1',
      'cn-north-1',
      'us-isob-east-1',
      'il-central-1',
    ]) {
      expect(validateRegion(r)).toBe(r);
    }
    for (const r of ['us-east', 'US-EAST-1', 'eu_west_1', 'useast1', ''])
      expect(() => validateRegion(r)).toThrow(InputError);
    expect(validateRegions(['eu-west-1', ' eu-west-1', 'us-east-1'])).toEqual(['eu-west-1', 'us-east-1']);
    expect(() => validateRegions([])).toThrow(/no region/);
  });

  it('role ARNs, license, session names', () => {
    expect(validateRoleArn('arn:aws:iam::123456789012:role/ci/publisher')).toContain('ci/publisher');
    expect(validateRoleArn('arn:aws-us-gov:iam::123456789012:role/x')).toBeTruthy();
    expect(() => validateRoleArn('arn:aws:iam::123456789012:user/x')).toThrow(/role-to-assume/);
    expect(() => validateLicenseInfo('x'.repeat(513))).toThrow(/license-info/);
    expect(sanitizeRoleSessionName('run 1/2:3')).toBe('run-1-2-3');
    expect(sanitizeRoleSessionName('x')).toHaveLength(2);
  });
});

describe('descriptions and reuse', () => {
  const sha = Buffer.alloc(32, 7).toString('base64');

  it('the description carries requirements hash, commit and code digest within 256 characters', () => {
    const text = layerDescription({
      codeSha256: sha,
      requirementsHash: 'a'.repeat(64),
      commit: 'b'.repeat(40),
      text: 'x'.repeat(400),
    });
    expect(text.length).toBeLessThanOrEqual(256);
    expect(text).toContain(`req:${'a'.repeat(16)}`);
    expect(text).toContain(`commit:${'b'.repeat(12)}`);
    expect(text).toContain(codeMarker(sha));
    expect(codeMarker(sha)).toBe(`code:${'07'.repeat(8)}`);
  });

  it('candidates: marked versions first, then the newest others, only with matching metadata', () => {
    const v = (version: number, description = '', runtimes = ['python3.11']): ExistingVersion => ({
      version,
      layerVersionArn: `arn:aws:lambda:us-east-1:123456789012:layer:x:${version}`,
      description,
      compatibleRuntimes: runtimes,
      compatibleArchitectures: ['x86_64'],
    });
    const versions = [
      v(9),
      v(8, '', ['python3.12']),
      v(7),
      v(3, `lambda-layer ${codeMarker(sha)}`),
      v(2),
      v(1),
    ];
    const wanted = {
      codeSha256: sha,
      compatibleRuntimes: ['python3.11'],
      compatibleArchitectures: ['x86_64'],
    };
    expect(reuseCandidates(versions, wanted, 2).map((c) => c.version)).toEqual([3, 9, 7]);
  });

  it('pruning keeps `keep` versions including the current one', () => {
    expect(versionsToPrune([1, 2, 3, 4, 5], 5, 2)).toEqual([3, 2, 1]);
    expect(versionsToPrune([1, 2, 3, 4, 5], 2, 2)).toEqual([4, 3, 1]);
    expect(versionsToPrune([1, 2, 3], 3, 1)).toEqual([2, 1]);
    expect(versionsToPrune([1, 2], 2, 5)).toEqual([]);
  });

  it('ARNs, buckets, trust statements', () => {
    expect(layerArnOf('arn:aws:lambda:eu-west-1:123456789012:layer:deps:12')).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:layer:deps',
    );
    expect(bucketForRegion('stage-{region}', 'eu-west-1')).toBe('stage-eu-west-1');
    expect(
      trustStatementFor('arn:aws-cn:iam::210987654321:role/r', {
        iss: 'https://ghe.example.com/_services/token',
        aud: ['a'],
        sub: 's',
      }),
    ).toMatchObject({
      Principal: { Federated: 'arn:aws-cn:iam::210987654321:oidc-provider/ghe.example.com/_services/token' },
      Condition: { StringEquals: { 'ghe.example.com/_services/token:aud': 'a' } },
    });
  });
});

describe('outputs', () => {
  it('come from the first successful region; reused only when every region reused', () => {
    const region = (name: string, ok: boolean, version?: number, reused?: boolean) => ({
      region: name,
      ok,
      version,
      reused,
      layerArn: ok ? `arn:aws:lambda:${name}:123456789012:layer:x` : undefined,
      layerVersionArn: ok ? `arn:aws:lambda:${name}:123456789012:layer:x:${version}` : undefined,
      granted: [],
      pruned: [],
      warnings: [],
      durationMs: 1,
    });
    const outputs = publishOutputs({
      ok: false,
      layerName: 'x',
      codeSha256: 'c',
      zipSize: 1,
      regions: [
        region('ap-south-1', false),
        region('eu-west-1', true, 4, true),
        region('us-east-1', true, 2, false),
      ],
    });
    expect(outputs).toEqual({
      'layer-arn': 'arn:aws:lambda:eu-west-1:123456789012:layer:x',
      'layer-version-arn': 'arn:aws:lambda:eu-west-1:123456789012:layer:x:4',
      'layer-version': '4',
      reused: 'false',
      'layer-version-arns': JSON.stringify({
        'eu-west-1': 'arn:aws:lambda:eu-west-1:123456789012:layer:x:4',
        'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:layer:x:2',
      }),
    });
  });
});
