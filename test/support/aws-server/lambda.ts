/**
 * Lambda's layer API in its REST-JSON wire format (API version 2018-10-31):
 *   GET    /2018-10-31/layers/{name}/versions                 ListLayerVersions (Marker, MaxItems)
 *   POST   /2018-10-31/layers/{name}/versions                 PublishLayerVersion
 *   GET    /2018-10-31/layers/{name}/versions/{n}             GetLayerVersion
 *   DELETE /2018-10-31/layers/{name}/versions/{n}             DeleteLayerVersion
 *   POST   /2018-10-31/layers/{name}/versions/{n}/policy      AddLayerVersionPermission
 *   GET    /2018-10-31/layers/{name}/versions/{n}/policy      GetLayerVersionPolicy
 * (Invoke: lambda-invoke.ts.) Errors as Lambda sends them: x-amzn-ErrorType header plus a JSON body with "message".
 */
import { randomUUID } from 'node:crypto';
import type { AwsTestState, StoredLayerVersion } from './state.js';
import type { Fault, LambdaOperation, Reply } from './types.js';

const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;

export function lambdaError(status: number, type: string, message: string, extra: object = {}): Reply {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.awslambda.core/`,
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message, ...extra }),
  };
}

function json(status: number, value: unknown): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: value === undefined ? '' : JSON.stringify(value),
  };
}

export interface LambdaRoute {
  /** Invoke has its own route (lambda-invoke.ts). */
  readonly op: Exclude<LambdaOperation, 'Invoke'>;
  readonly layerName: string;
  readonly version?: number;
}

export function matchLambdaRoute(method: string, path: string): LambdaRoute | undefined {
  const m = /^\/2018-10-31\/layers\/([^/]+)\/versions(?:\/(\d+))?(\/policy)?\/?$/.exec(path);
  if (!m) return undefined;
  const layerName = decodeURIComponent(m[1] ?? '');
  const version = m[2] === undefined ? undefined : Number(m[2]);
  if (m[3]) {
    if (version === undefined) return undefined;
    if (method === 'POST') return { op: 'AddLayerVersionPermission', layerName, version };
    if (method === 'GET') return { op: 'GetLayerVersionPolicy', layerName, version };
    return undefined;
  }
  if (version === undefined) {
    if (method === 'GET') return { op: 'ListLayerVersions', layerName };
    if (method === 'POST') return { op: 'PublishLayerVersion', layerName };
    return undefined;
  }
  if (method === 'GET') return { op: 'GetLayerVersion', layerName, version };
  if (method === 'DELETE') return { op: 'DeleteLayerVersion', layerName, version };
  return undefined;
}

function versionJson(
  state: AwsTestState,
  v: StoredLayerVersion,
  withContent: boolean,
): Record<string, unknown> {
  const layerArn = state.layerArn(v.region, v.layerName);
  return {
    LayerArn: layerArn,
    LayerVersionArn: `${layerArn}:${v.version}`,
    Version: v.version,
    Description: v.description,
    CreatedDate: v.createdDate,
    CompatibleRuntimes: v.compatibleRuntimes,
    CompatibleArchitectures: v.compatibleArchitectures,
    ...(v.licenseInfo !== undefined ? { LicenseInfo: v.licenseInfo } : {}),
    ...(withContent
      ? {
          Content: {
            Location: `https://awslambda-${v.region}-layers.s3.${v.region}.amazonaws.com/snapshots/${state.accountId}/${v.layerName}-${v.version}`,
            CodeSha256: v.codeSha256,
            CodeSize: v.codeSize,
          },
        }
      : {}),
  };
}

function isZip(bytes: Buffer): boolean {
  return bytes.length >= 22 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

export interface LambdaContext {
  readonly state: AwsTestState;
  readonly region: string;
  readonly route: LambdaRoute;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly callerArn: string;
  readonly maxDirectUploadBytes: number;
}

export function handleLambda(ctx: LambdaContext): Reply {
  const { state, region, route } = ctx;
  if (!LAYER_NAME.test(route.layerName)) {
    return lambdaError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${route.layerName}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`,
    );
  }
  const arn = state.layerArn(region, route.layerName);
  switch (route.op) {
    case 'ListLayerVersions': {
      const all = state.layerVersions(region, route.layerName).reverse(); // newest first, as Lambda lists
      const start = Number(ctx.query.get('Marker') ?? '0') || 0;
      const max = Math.min(Number(ctx.query.get('MaxItems') ?? '50') || 50, 50);
      const page = all.slice(start, start + max);
      return json(200, {
        LayerVersions: page.map((v) => versionJson(state, v, false)),
        ...(start + max < all.length ? { NextMarker: String(start + max) } : {}),
      });
    }
    case 'GetLayerVersion': {
      const v = state.getLayerVersion(region, route.layerName, route.version ?? 0);
      if (!v)
        return lambdaError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
      return json(200, versionJson(state, v, true));
    }
    case 'PublishLayerVersion': {
      const request = JSON.parse(ctx.body.toString('utf8') || '{}') as {
        Content?: { ZipFile?: string; S3Bucket?: string; S3Key?: string };
        Description?: string;
        CompatibleRuntimes?: string[];
        CompatibleArchitectures?: string[];
        LicenseInfo?: string;
      };
      if ((request.Description ?? '').length > 256) {
        return lambdaError(
          400,
          'ValidationException',
          "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256",
        );
      }
      let zip: Buffer;
      if (request.Content?.ZipFile) {
        zip = Buffer.from(request.Content.ZipFile, 'base64');
        if (zip.length > ctx.maxDirectUploadBytes) {
          return lambdaError(
            413,
            'RequestEntityTooLargeException',
            `Request must be smaller than ${Math.ceil((ctx.maxDirectUploadBytes * 4) / 3)} bytes for the PublishLayerVersion operation`,
          );
        }
      } else if (request.Content?.S3Bucket && request.Content.S3Key) {
        const bucketRegion = state.bucketRegion(request.Content.S3Bucket);
        if (!bucketRegion) {
          return lambdaError(
            400,
            'InvalidParameterValueException',
            'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
          );
        }
        if (bucketRegion !== region) {
          return lambdaError(
            400,
            'InvalidParameterValueException',
            `Error occurred while GetObject. S3 Error Code: PermanentRedirect. S3 Error Message: The bucket is in this region: ${bucketRegion}. Please use this region to retry the request`,
          );
        }
        const object = state.getObject(request.Content.S3Bucket, request.Content.S3Key);
        if (!object) {
          return lambdaError(
            400,
            'InvalidParameterValueException',
            'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
          );
        }
        zip = object;
      } else {
        return lambdaError(
          400,
          'InvalidParameterValueException',
          'Please provide a source for layer content: ZipFile or S3Bucket and S3Key.',
        );
      }
      if (!isZip(zip)) {
        return lambdaError(400, 'InvalidParameterValueException', 'Uploaded file must be a non-empty zip');
      }
      const v = state.addLayerVersion(region, route.layerName, zip, {
        description: request.Description,
        compatibleRuntimes: request.CompatibleRuntimes,
        compatibleArchitectures: request.CompatibleArchitectures,
        licenseInfo: request.LicenseInfo,
      });
      return json(201, versionJson(state, v, true));
    }
    case 'DeleteLayerVersion': {
      state.deleteLayerVersion(region, route.layerName, route.version ?? 0);
      return { status: 204, headers: { 'x-amzn-requestid': randomUUID() } };
    }
    case 'AddLayerVersionPermission': {
      const v = state.getLayerVersion(region, route.layerName, route.version ?? 0);
      if (!v)
        return lambdaError(
          404,
          'ResourceNotFoundException',
          `Layer version ${arn}:${route.version} does not exist.`,
        );
      const request = JSON.parse(ctx.body.toString('utf8') || '{}') as {
        StatementId?: string;
        Action?: string;
        Principal?: string;
        OrganizationId?: string;
      };
      if (request.Action !== 'lambda:GetLayerVersion') {
        return lambdaError(
          400,
          'ValidationException',
          "1 validation error detected: Value at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion",
        );
      }
      if (!request.StatementId || !/^[a-zA-Z0-9_-]{1,100}$/.test(request.StatementId)) {
        return lambdaError(
          400,
          'ValidationException',
          "1 validation error detected: Value at 'statementId' failed to satisfy constraint",
        );
      }
      if (!request.Principal || !/^(\d{12}|\*|arn:aws[a-zA-Z-]*:iam::\d{12}:root)$/.test(request.Principal)) {
        return lambdaError(
          400,
          'ValidationException',
          "1 validation error detected: Value at 'principal' failed to satisfy constraint",
        );
      }
      if (v.policy.has(request.StatementId)) {
        return lambdaError(
          409,
          'ResourceConflictException',
          `The statement id (${request.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        );
      }
      const statement = {
        Sid: request.StatementId,
        Effect: 'Allow',
        Principal: request.Principal === '*' ? '*' : { AWS: `arn:aws:iam::${request.Principal}:root` },
        Action: 'lambda:GetLayerVersion',
        Resource: `${arn}:${v.version}`,
        ...(request.OrganizationId
          ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': request.OrganizationId } } }
          : {}),
      };
      v.policy.set(request.StatementId, statement);
      return json(201, { Statement: JSON.stringify(statement), RevisionId: randomUUID() });
    }
    case 'GetLayerVersionPolicy': {
      const v = state.getLayerVersion(region, route.layerName, route.version ?? 0);
      if (!v || v.policy.size === 0) {
        return lambdaError(
          404,
          'ResourceNotFoundException',
          'No policy is associated with the given resource.',
        );
      }
      return json(200, {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: [...v.policy.values()] }),
        RevisionId: randomUUID(),
      });
    }
  }
}

export function lambdaFault(fault: Fault, op: LambdaOperation, callerArn: string, resource: string): Reply {
  switch (fault.kind) {
    case 'throttle':
      return lambdaError(429, 'TooManyRequestsException', 'Rate exceeded', {
        Reason: 'CallerRateLimitExceeded',
      });
    case 'server-error':
      return lambdaError(
        fault.status ?? 500,
        'ServiceException',
        'An error occurred and the request cannot be processed.',
      );
    case 'access-denied':
      return lambdaError(
        403,
        'AccessDeniedException',
        fault.message ??
          `User: ${callerArn} is not authorized to perform: lambda:${op} on resource: ${resource} because no identity-based policy allows the lambda:${op} action`,
      );
    case 'http':
      return { status: fault.status, body: fault.body ?? '' };
    case 'delay':
      throw new Error('delay is not an error reply');
  }
}
