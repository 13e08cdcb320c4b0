/**
 * Parsing what Serverless v3 prints. The samples follow lib/cli/write-service-outputs.js and
 * lib/plugins/aws/info/display.js of serverless 3.40 (section "name: value" or "name:\n  item").
 */
import { describe, expect, it } from 'vitest';
import {
  chooseEndpoint,
  parseEndpoints,
  parseStackOutputs,
  serverlessErrorText,
} from '../../src/deploy/serverless-output.js';

const HTTP_API_DEPLOY = `Deploying flask-api to stage dev (us-east-1)
Using Python specified in "runtime": python3.11
Packaging Python WSGI handler...

\u001b[32m✔\u001b[39m Service deployed to stack flask-api-dev (112s)

\u001b[90mendpoint:\u001b[39m ANY - https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com
\u001b[90mfunctions:\u001b[39m
  api: flask-api-dev-api (5.4 kB)
`;

const REST_DEPLOY = `✔ Service deployed to stack shop-prod (98s)

endpoints:
  GET - https://xyz123.execute-api.eu-west-1.amazonaws.com/prod/items/{id}
  POST - https://xyz123.execute-api.eu-west-1.amazonaws.com/prod/items
  GET - https://xyz123.execute-api.eu-west-1.amazonaws.com/prod
functions:
  list: shop-prod-list (1 kB)
`;

const INFO_VERBOSE = `service: flask-api
stage: dev
region: us-east-1
stack: flask-api-dev
endpoint: ANY - https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com
functions:
  api: flask-api-dev-api

Stack Outputs:
  ApiLambdaFunctionQualifiedArn: arn:aws:lambda:us-east-1:123456789012:function:flask-api-dev-api:3
  HttpApiId: a1b2c3d4e5
  ServerlessDeploymentBucketName: flask-api-dev-serverlessdeploymentbucket-1x2y3z
  HttpApiUrl: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com

Need a faster logging experience than CloudWatch? Try our Dev Mode in Console: run "serverless dev"
`;

describe('serverless output', () => {
  it('reads the endpoint line and the endpoints section', () => {
    expect(parseEndpoints(HTTP_API_DEPLOY)).toEqual([
      { method: 'ANY', url: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com' },
    ]);
    expect(parseEndpoints(REST_DEPLOY).map((e) => e.method)).toEqual(['GET', 'POST', 'GET']);
    expect(
      parseEndpoints(
        'endpoints:\n  api: https://abc.lambda-url.us-east-1.on.aws/\n  ws: wss://x.example/dev',
      ),
    ).toEqual([{ url: 'https://abc.lambda-url.us-east-1.on.aws/' }, { url: 'wss://x.example/dev' }]);
  });

  it('reads the Stack Outputs section', () => {
    expect(parseStackOutputs(INFO_VERBOSE)).toEqual({
      ApiLambdaFunctionQualifiedArn: 'arn:aws:lambda:us-east-1:123456789012:function:flask-api-dev-api:3',
      HttpApiId: 'a1b2c3d4e5',
      ServerlessDeploymentBucketName: 'flask-api-dev-serverlessdeploymentbucket-1x2y3z',
      HttpApiUrl: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    });
    expect(parseStackOutputs(HTTP_API_DEPLOY)).toEqual({});
  });

  it('chooses the stack output first, else the shortest endpoint base', () => {
    expect(chooseEndpoint(parseStackOutputs(INFO_VERBOSE), [])).toBe(
      'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    );
    expect(
      chooseEndpoint({ ServiceEndpoint: 'https://xyz.execute-api.eu-west-1.amazonaws.com/prod/' }, []),
    ).toBe('https://xyz.execute-api.eu-west-1.amazonaws.com/prod');
    expect(chooseEndpoint({}, parseEndpoints(HTTP_API_DEPLOY))).toBe(
      'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    );
    expect(chooseEndpoint({}, parseEndpoints(REST_DEPLOY))).toBe(
      'https://xyz123.execute-api.eu-west-1.amazonaws.com/prod',
    );
    expect(chooseEndpoint({}, [{ url: 'wss://x.example/dev' }])).toBeUndefined();
    expect(chooseEndpoint({}, [])).toBeUndefined();
  });

  it("extracts Serverless's Error: block, wherever the footer was printed", () => {
    const output = `Deploying flask-api to stage dev (us-east-1)

× Stack flask-api-dev failed to deploy (6s)
Environment: linux, node 20.20.2, framework 3.40.0 (local), plugin 7.2.3, SDK 4.5.1
Docs:        docs.serverless.com
Support:     forum.serverless.com
Bugs:        github.com/serverless/serverless/issues

\u001b[31mError:\u001b[39m
AWS provider credentials not found. Learn how to set up AWS provider credentials in our docs here: <http://slss.io/aws-creds-setup>.
`;
    expect(serverlessErrorText(output)).toBe(
      'AWS provider credentials not found. Learn how to set up AWS provider credentials in our docs here: <http://slss.io/aws-creds-setup>.',
    );
    const cfn = `Error:
CREATE_FAILED: ApiLambdaFunction (AWS::Lambda::Function)
Resource handler returned message: "Layer version arn:aws:lambda:us-east-1:123456789012:layer:deps:7 does not exist."

Environment: linux`;
    expect(serverlessErrorText(cfn)).toBe(
      'CREATE_FAILED: ApiLambdaFunction (AWS::Lambda::Function)\nResource handler returned message: "Layer version arn:aws:lambda:us-east-1:123456789012:layer:deps:7 does not exist."',
    );
    expect(
      serverlessErrorText(
        'Error: The osls version (4.3.1) does not satisfy the "frameworkVersion" (3)\nEnvironment: x',
      ),
    ).toBe('The osls version (4.3.1) does not satisfy the "frameworkVersion" (3)');
    expect(serverlessErrorText('line 1\nline 2\n\nnode crashed\n', 2)).toBe('line 2\nnode crashed');
  });
});
