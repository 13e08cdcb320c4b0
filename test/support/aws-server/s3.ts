/**
 * S3 object operations, path-style (/{bucket}/{key}): PUT (verifying x-amz-content-sha256 and an
 * x-amz-checksum-crc32 when sent, decoding aws-chunked bodies), GET, DELETE. Errors as S3's XML
 * <Error>. A bucket lives in one region: a request signed for another region is refused the way
 * S3 refuses it (AuthorizationHeaderMalformed, with x-amz-bucket-region).
 */
import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { AwsTestState } from './state.js';
import type { Fault, Reply, S3Operation } from './types.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function s3Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): Reply {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
    .join('');
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID(), ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message>${fields}<RequestId>${randomUUID()}</RequestId><HostId>test</HostId></Error>`,
  };
}

export function s3Operation(method: string): S3Operation | undefined {
  if (method === 'PUT') return 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'DELETE') return 'DeleteObject';
  return undefined;
}

/** aws-chunked: "<hex size>;chunk-signature=...\r\n<data>\r\n" ... "0;...\r\n" + trailers. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export interface S3Context {
  readonly state: AwsTestState;
  readonly op: S3Operation;
  readonly bucket: string;
  readonly key: string;
  readonly region?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function handleS3(ctx: S3Context): Reply {
  const { state, bucket, key } = ctx;
  const bucketRegion = state.bucketRegion(bucket);
  if (!bucketRegion)
    return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  if (ctx.region && ctx.region !== bucketRegion) {
    return s3Error(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${ctx.region}' is wrong; expecting '${bucketRegion}'`,
      { Region: bucketRegion },
      { 'x-amz-bucket-region': bucketRegion },
    );
  }
  switch (ctx.op) {
    case 'PutObject': {
      const encoding = String(ctx.headers['content-encoding'] ?? '');
      const body = encoding.includes('aws-chunked') ? decodeAwsChunked(ctx.body) : ctx.body;
      const declared = String(ctx.headers['x-amz-content-sha256'] ?? '');
      if (
        /^[0-9a-f]{64}$/.test(declared) &&
        createHash('sha256').update(ctx.body).digest('hex') !== declared
      ) {
        return s3Error(
          400,
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      const crc = ctx.headers['x-amz-checksum-crc32'];
      if (typeof crc === 'string') {
        const actual = Buffer.alloc(4);
        actual.writeUInt32BE(crc32(body));
        if (actual.toString('base64') !== crc) {
          return s3Error(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
        }
      }
      state.putObject(bucket, key, body);
      return { status: 200, headers: { etag: `"${createHash('md5').update(body).digest('hex')}"` } };
    }
    case 'GetObject': {
      const object = state.getObject(bucket, key);
      if (!object) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      return { status: 200, headers: { 'content-type': 'application/zip' }, body: object };
    }
    case 'DeleteObject':
      state.deleteObject(bucket, key);
      return { status: 204 };
  }
}

export function s3Fault(fault: Fault): Reply {
  switch (fault.kind) {
    case 'throttle':
      return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
    case 'server-error':
      return fault.status === 503
        ? s3Error(503, 'ServiceUnavailable', 'Service is unable to handle request.')
        : s3Error(
            fault.status ?? 500,
            'InternalError',
            'We encountered an internal error. Please try again.',
          );
    case 'access-denied':
      return s3Error(403, 'AccessDenied', fault.message ?? 'Access Denied');
    case 'http':
      return { status: fault.status, body: fault.body ?? '' };
    case 'delay':
      throw new Error('delay is not an error reply');
  }
}
