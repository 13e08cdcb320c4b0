/**
 * The AWS clients made on any Node that package.json allows print no SDK warning about the Node
 * version (see optOutOfSdkNodeVersionWarning in src/aws/clients.ts). On Node < 22 the SDK emits
 * it from the first client's construction unless opted out; on Node >= 22 this passes either way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaClient, createS3Client, createStsClient } from '../../src/aws/clients.js';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
let warnings: Error[];
const collect = (warning: Error) => warnings.push(warning);
let saved: string | undefined;

beforeEach(() => {
  warnings = [];
  saved = process.env[VARIABLE];
  delete process.env[VARIABLE];
  process.on('warning', collect);
});
afterEach(() => {
  process.off('warning', collect);
  if (saved === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = saved;
});

/** Node emits warnings on the next tick. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AWS clients', () => {
  it(`print no SDK warning about the Node version (running ${process.version})`, async () => {
    for (const client of [
      createLambdaClient({ region: 'us-east-1' }),
      createStsClient({ region: 'us-east-1' }),
      createS3Client({ region: 'us-east-1' }),
    ]) {
      client.destroy();
    }
    await settle();
    expect(warnings.map((w) => w.message).filter((m) => /AWS SDK|NodeVersion/i.test(m))).toEqual([]);
  });

  it("keep a user's own choice of the SDK's warning switch", () => {
    process.env[VARIABLE] = 'false';
    createLambdaClient({ region: 'us-east-1' }).destroy();
    expect(process.env[VARIABLE]).toBe('false');
  });
});
