/**
 * Sample Lambda events for `lambda-layer invoke --event-name`, kept as constants so the ncc
 * bundle carries them (examples/events/*.json hold the same events for users to copy and edit).
 * Shapes follow the AWS documentation of each event source: API Gateway HTTP API payload
 * format 2.0, EventBridge Scheduler/"Scheduled Event", and S3 event notification 2.1.
 */

export const HTTP_API_GET_EVENT = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: {
    accept: 'text/html,application/json',
    'content-length': '0',
    host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'lambda-layer-invoke',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abcdef1234',
    domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'abcdef1234',
    http: {
      method: 'GET',
      path: '/',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.10',
      userAgent: 'lambda-layer-invoke',
    },
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    routeKey: '$default',
    stage: '$default',
    time: '12/Mar/2024:19:03:58 +0000',
    timeEpoch: 1710270238000,
  },
  isBase64Encoded: false,
} as const;

export const SCHEDULE_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2024-03-12T19:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/my-schedule'],
  detail: {},
} as const;

export const S3_PUT_EVENT = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2024-03-12T19:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: '203.0.113.10' },
      responseElements: {
        'x-amz-request-id': 'C3D13FE58DE4C810',
        'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'object-created',
        bucket: {
          name: 'example-bucket',
          ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
          arn: 'arn:aws:s3:::example-bucket',
        },
        object: {
          key: 'uploads/report.csv',
          size: 1024,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
          sequencer: '0055AED6DCD90281E5',
        },
      },
    },
  ],
} as const;

export const SAMPLE_EVENTS = {
  'http-get': HTTP_API_GET_EVENT,
  schedule: SCHEDULE_EVENT,
  's3-put': S3_PUT_EVENT,
} as const;

export type SampleEventName = keyof typeof SAMPLE_EVENTS;

export const SAMPLE_EVENT_NAMES = Object.keys(SAMPLE_EVENTS) as SampleEventName[];

/** A fresh, mutable copy of a sample event. */
export function sampleEvent(name: SampleEventName): unknown {
  return structuredClone(SAMPLE_EVENTS[name]);
}

/** The HTTP API GET sample with another path (and query string), e.g. for a 404 check. */
export function httpGetEvent(path: string): unknown {
  const [rawPath = '/', rawQueryString = ''] = path.split('?', 2);
  const event = structuredClone(HTTP_API_GET_EVENT) as {
    rawPath: string;
    rawQueryString: string;
    requestContext: { http: { path: string } };
  };
  event.rawPath = rawPath;
  event.rawQueryString = rawQueryString;
  event.requestContext.http.path = rawPath;
  return event;
}
