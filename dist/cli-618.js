export const id = 618;
export const ids = [618];
export const modules = {

/***/ 8098:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E2: () => (/* binding */ isThrottling),
/* harmony export */   Jh: () => (/* binding */ isAmbiguousFailure),
/* harmony export */   Pp: () => (/* binding */ describeAwsError),
/* harmony export */   jX: () => (/* binding */ awsErrorShape),
/* harmony export */   w7: () => (/* binding */ isAccessDenied)
/* harmony export */ });
/** Reading AWS SDK errors: their name/status, and whether an attempt may have taken effect. */
function awsErrorShape(error) {
    const e = error;
    return {
        name: e?.name ?? 'Error',
        message: e?.message ?? String(error),
        status: e?.$metadata?.httpStatusCode,
        code: e?.code,
    };
}
const THROTTLING = new Set([
    'ThrottlingException',
    'Throttling',
    'TooManyRequestsException',
    'SlowDown',
    'RequestLimitExceeded',
]);
/** Throttled: the request was refused before doing anything, so it is safe to repeat. */
function isThrottling(error) {
    const { name, status } = awsErrorShape(error);
    return status === 429 || THROTTLING.has(name);
}
/**
 * Timeouts, resets and 5xx: the request may or may not have taken effect. For a non-idempotent
 * call (PublishLayerVersion) the caller must look before repeating it.
 */
function isAmbiguousFailure(error) {
    const { name, status, code } = awsErrorShape(error);
    if (name === 'AbortError')
        return false;
    return (name === 'TimeoutError' ||
        name === 'RequestTimeout' ||
        name === 'ServiceException' ||
        (status !== undefined && status >= 500) ||
        ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code ?? ''));
}
function isAccessDenied(error) {
    const { name } = awsErrorShape(error);
    return name === 'AccessDeniedException' || name === 'AccessDenied';
}
/** "Name: message" without the SDK's stack or request dump. */
function describeAwsError(error) {
    const { name, message } = awsErrorShape(error);
    return message.startsWith(name) ? message : `${name}: ${message}`;
}


/***/ }),

/***/ 201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gz: () => (/* binding */ DEFAULT_MAX_ATTEMPTS),
/* harmony export */   Vw: () => (/* binding */ createLambdaClient),
/* harmony export */   uW: () => (/* binding */ createStsClient),
/* harmony export */   vy: () => (/* binding */ createRegionClients)
/* harmony export */ });
/* unused harmony export createS3Client */
/* harmony import */ var _aws_sdk_client_lambda__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1696);
/* harmony import */ var _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3711);
/* harmony import */ var _aws_sdk_client_sts__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1695);
/**
 * One factory for the AWS clients this tool uses, so every client gets the same region,
 * credentials, timeouts and retry policy.
 *
 * Endpoints: the SDK itself honours AWS_ENDPOINT_URL_LAMBDA / _STS / _S3 and AWS_ENDPOINT_URL
 * (the SDK's "service-specific endpoints" configuration), which is how tests point the real
 * clients at a local server; nothing here re-implements that. The one thing a custom S3 endpoint
 * needs from us is path-style addressing (a virtual-hosted bucket name cannot be a subdomain of
 * 127.0.0.1), so forcePathStyle is turned on exactly when such an endpoint is configured.
 */



const DEFAULT_MAX_ATTEMPTS = 4;
/**
 * Since @aws-sdk/core 3.974.8 (aws/aws-sdk-js-v3#7973, 2026-05) every client made on Node < 22
 * prints a 9-line NodeVersionSupportWarning: SDK releases after the first week of January 2027
 * will require Node 22. It speaks to whoever picks the SDK version, which is this project (the
 * SDK is bundled into dist/), not to the user, who can do nothing about it. The SDK's documented
 * opt-out (aws/aws-sdk-js-v3#7983) is this variable; a value the user set is kept. The Node
 * versions this tool supports are package.json's `engines`, which test/engines.test.ts holds to
 * the bundled packages' own: an SDK update that drops Node 20 fails that test until `engines`
 * says so.
 */
function optOutOfSdkNodeVersionWarning() {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
function commonConfig(options) {
    optOutOfSdkNodeVersionWarning();
    return {
        region: options.region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryMode: options.retryMode ?? 'standard',
        requestHandler: {
            connectionTimeout: options.connectTimeoutMs ?? 10_000,
            socketTimeout: options.socketTimeoutMs ?? 120_000,
        },
    };
}
function createLambdaClient(options) {
    return new _aws_sdk_client_lambda__WEBPACK_IMPORTED_MODULE_0__/* .LambdaClient */ .Nox(commonConfig(options));
}
function createStsClient(options) {
    return new _aws_sdk_client_sts__WEBPACK_IMPORTED_MODULE_1__/* .STSClient */ .iM(commonConfig(options));
}
function createS3Client(options) {
    const env = options.env ?? process.env;
    const customEndpoint = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
    return new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_2__/* .S3Client */ .YxF({ ...commonConfig(options), forcePathStyle: customEndpoint });
}
function createRegionClients(options) {
    const lambda = createLambdaClient(options);
    let s3;
    return {
        region: options.region,
        lambda,
        // S3 only when a zip goes through staging: most publishes never touch it.
        get s3() {
            s3 ??= createS3Client(options);
            return s3;
        },
        destroy() {
            lambda.destroy();
            s3?.destroy();
        },
    };
}


/***/ }),

/***/ 3002:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  vp: () => (/* binding */ childProcessEnv),
  z8: () => (/* binding */ resolveCredentials)
});

// UNUSED EXPORTS: DEFAULT_DURATION_SECONDS, ID_TOKEN_PERMISSION_YAML, credentialsEnv, defaultRoleSessionName, explainStsRefusal

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/redact.ts
var redact = __webpack_require__(6670);
// EXTERNAL MODULE: ./src/aws/aws-errors.ts
var aws_errors = __webpack_require__(8098);
;// CONCATENATED MODULE: ./src/aws/endpoints.ts
/**
 * An AWS endpoint that could not be reached is not an authorization problem: say which
 * endpoint (the one the SDK used: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, or the public
 * one for the region) and that the network is what failed.
 */



/** Node's connection failures: no answer at all, as opposed to an answer that refuses. */
const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ECONNABORTED',
    'EPIPE',
]);
/** True when the request got no HTTP answer (refused, no such host, timed out). */
function isNetworkFailure(error) {
    const { name, code, status } = (0,aws_errors/* awsErrorShape */.jX)(error);
    if (status !== undefined)
        return false;
    return NETWORK_CODES.has(code ?? '') || name === 'TimeoutError';
}
/** The endpoint the SDK calls for `service` ("STS", "LAMBDA", "S3") in `region`. */
function endpointUrl(service, region, env) {
    const configured = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
    return configured || `https://${service.toLowerCase()}.${region}.amazonaws.com`;
}
/** A UserError naming the unreachable endpoint, or undefined when `error` is not a network failure. */
function unreachableEndpoint(error, request) {
    if (!isNetworkFailure(error))
        return undefined;
    const { code, message } = (0,aws_errors/* awsErrorShape */.jX)(error);
    const url = (0,redact/* redact */.E$)(endpointUrl(request.service, request.region, request.env));
    return new errors/* UserError */.yo(`${request.what}: the ${request.service} endpoint ${url} cannot be reached (${code ?? message})`, {
        hint: 'check the network, the region and any AWS_ENDPOINT_URL* setting; the credentials were not checked',
        cause: error,
    });
}

// EXTERNAL MODULE: ./src/aws/github-oidc.ts
var github_oidc = __webpack_require__(650);
;// CONCATENATED MODULE: ./src/aws/trust-policy.ts
/**
 * The IAM trust-policy statement that would let a given GitHub OIDC token assume a role: shown
 * when STS refuses, so the fix is a copy-paste rather than a guess. Mirrors docs/iam.md.
 */

/** "token.actions.githubusercontent.com" (or a GHES host) from the token's issuer URL. */
function issuerHost(claims) {
    const iss = typeof claims?.iss === 'string' ? claims.iss : github_oidc/* GITHUB_ISSUER */.oX;
    return iss.replace(/^https:\/\//, '').replace(/\/$/, '');
}
function firstAudience(claims) {
    const aud = claims?.aud;
    if (typeof aud === 'string')
        return aud;
    if (Array.isArray(aud) && typeof aud[0] === 'string')
        return aud[0];
    return github_oidc/* DEFAULT_AUDIENCE */.Z4;
}
/** The complete statement for the role's trust policy, matching exactly this token's sub and aud. */
function trustStatementFor(roleArn, claims) {
    const [, partition = 'aws', , , account = '123456789012'] = roleArn.split(':');
    const host = issuerHost(claims);
    return {
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${host}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
            StringEquals: { [`${host}:aud`]: firstAudience(claims) },
            StringLike: { [`${host}:sub`]: typeof claims?.sub === 'string' ? claims.sub : 'repo:OWNER/REPO:*' },
        },
    };
}

// EXTERNAL MODULE: ./src/aws/validation.ts
var validation = __webpack_require__(838);
;// CONCATENATED MODULE: ./src/aws/credentials.ts
/**
 * AWS credentials for publishing: a role assumed with the job's GitHub OIDC token, or the SDK's
 * default provider chain (credentials configured earlier in the job, or a laptop profile).
 *
 * Secrets (the OIDC token, the key id, the secret key, the session token) go to `mask` the moment
 * they exist, before any log line is written. They live in memory only: never written to disk,
 * the cache or logs; a child process (serverless deploy) gets them through its own environment
 * (`childProcessEnv`).
 */







const DEFAULT_DURATION_SECONDS = 3600;
/** The two lines a workflow needs for OIDC, shown whenever a token cannot be had. */
const ID_TOKEN_PERMISSION_YAML = 'permissions:\n  id-token: write';
function defaultRoleSessionName(runId, now = new Date()) {
    return (0,validation/* sanitizeRoleSessionName */.x8)(`lambda-layer-${runId ?? now.getTime()}`);
}
async function resolveCredentials(options, deps, log) {
    (0,validation/* validateRegion */.jq)(options.region);
    if (!options.roleToAssume)
        return defaultChain(options, log);
    const roleArn = (0,validation/* validateRoleArn */._l)(options.roleToAssume);
    const durationSeconds = (0,validation/* validateDurationSeconds */.IR)(options.durationSeconds ?? DEFAULT_DURATION_SECONDS);
    const roleSessionName = (0,validation/* validateRoleSessionName */.mx)(options.roleSessionName ?? defaultRoleSessionName(options.runId));
    const audience = options.audience?.trim() || github_oidc/* DEFAULT_AUDIENCE */.Z4;
    const mask = deps.mask ?? (() => { });
    if (!deps.getIdToken) {
        throw new errors/* UserError */.yo(`Cannot assume ${roleArn}: no source for a GitHub OIDC token.`, {
            hint: `Run inside GitHub Actions with\n${ID_TOKEN_PERMISSION_YAML}\nor pass a token file (--web-identity-token-file).`,
        });
    }
    let token;
    try {
        token = await deps.getIdToken(audience);
    }
    catch (error) {
        if (error instanceof errors/* UserError */.yo)
            throw error;
        throw new errors/* UserError */.yo(`Could not request a GitHub OIDC token (audience "${audience}") to assume ${roleArn}: ${error.message}`, {
            hint: `The job needs permission to request it. Add to the job (or workflow):\n${ID_TOKEN_PERMISSION_YAML}\n(with an explicit permissions block, also add "contents: read" if the job checks out code; a reusable workflow's caller must grant it too).`,
            cause: error,
        });
    }
    mask(token);
    const claims = (0,github_oidc/* decodeJwtClaims */.dG)(token);
    log.info(`Assuming ${roleArn} with the GitHub OIDC token (sub "${String(claims?.sub ?? '?')}", aud "${firstAudience(claims)}"), session ${roleSessionName}, ${durationSeconds}s`);
    const sts = (0,clients/* createStsClient */.uW)({ ...options.client, credentials: undefined, region: options.region });
    try {
        const response = await sts.send(new dist_cjs/* AssumeRoleWithWebIdentityCommand */.WH({
            RoleArn: roleArn,
            RoleSessionName: roleSessionName,
            WebIdentityToken: token,
            DurationSeconds: durationSeconds,
        }));
        const issued = response.Credentials;
        if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) {
            throw new errors/* UserError */.yo(`STS answered AssumeRoleWithWebIdentity for ${roleArn} without credentials.`);
        }
        // Mask before anything else can print them (including the log line below).
        mask(issued.AccessKeyId);
        mask(issued.SecretAccessKey);
        mask(issued.SessionToken);
        const assumedRoleArn = response.AssumedRoleUser?.Arn;
        log.info(`Assumed ${assumedRoleArn ?? roleArn}${issued.Expiration ? ` until ${issued.Expiration.toISOString()}` : ''}`);
        return {
            source: 'assumed-role',
            roleArn,
            assumedRoleArn,
            expiration: issued.Expiration,
            credentials: {
                accessKeyId: issued.AccessKeyId,
                secretAccessKey: issued.SecretAccessKey,
                sessionToken: issued.SessionToken,
                expiration: issued.Expiration,
            },
        };
    }
    catch (error) {
        throw (unreachableEndpoint(error, {
            service: 'STS',
            region: options.region,
            env: options.client?.env ?? process.env,
            what: `Could not assume ${roleArn}`,
        }) ?? explainStsRefusal(error, { roleArn, claims, durationSeconds, region: options.region }));
    }
    finally {
        sts.destroy();
    }
}
async function defaultChain(options, log) {
    if (options.verify === false) {
        log.info('Using AWS credentials from the default provider chain');
        return { source: 'default-chain' };
    }
    const sts = (0,clients/* createStsClient */.uW)({ ...options.client, credentials: undefined, region: options.region });
    try {
        const identity = await sts.send(new dist_cjs/* GetCallerIdentityCommand */.zI({}));
        log.info(`Using AWS credentials from the default provider chain (${identity.Arn ?? 'unknown identity'})`);
        return { source: 'default-chain', identityArn: identity.Arn };
    }
    catch (error) {
        const unreachable = unreachableEndpoint(error, {
            service: 'STS',
            region: options.region,
            env: options.client?.env ?? process.env,
            what: 'Could not check the AWS credentials from the default provider chain',
        });
        if (unreachable)
            throw unreachable;
        const name = error.name;
        if (name === 'CredentialsProviderError') {
            throw new errors/* UserError */.yo((n) => `No AWS credentials found (no ${n.name('role-to-assume')}, and the default provider chain is empty).`, {
                hint: (n) => `Set ${n.name('role-to-assume')} (GitHub OIDC, recommended), configure an AWS profile or AWS_* variables, or in a workflow run aws-actions/configure-aws-credentials first.`,
                cause: error,
            });
        }
        throw new errors/* UserError */.yo(`The AWS credentials from the default provider chain were rejected: ${name}: ${error.message}`, {
            hint: (n) => `They may be expired or for another partition; refresh them or use ${n.name('role-to-assume')}.`,
            cause: error,
        });
    }
    finally {
        sts.destroy();
    }
}
/** Turns an STS error into a message that shows what was asked and what would be accepted. */
function explainStsRefusal(error, context) {
    if (error instanceof errors/* UserError */.yo)
        return error;
    const name = error?.name ?? 'Error';
    const message = error?.message ?? String(error);
    const { roleArn, claims } = context;
    const sub = String(claims?.sub ?? '(no sub claim)');
    const aud = firstAudience(claims);
    const statement = JSON.stringify(trustStatementFor(roleArn, claims), null, 2);
    const who = `token sub "${sub}", aud "${aud}"`;
    switch (name) {
        case 'AccessDenied':
        case 'AccessDeniedException':
        case 'IDPRejectedClaimException':
        case 'IDPRejectedClaim':
            return new errors/* UserError */.yo(`STS refused to let this workflow assume ${roleArn} (${who}): ${name}: ${message}`, {
                hint: `The role's trust policy must allow this token. A statement that matches it:\n${statement}\n(widen sub with wildcards, e.g. "repo:OWNER/REPO:*", only as far as you intend; see docs/iam.md)`,
                cause: error,
            });
        case 'InvalidIdentityToken':
        case 'InvalidIdentityTokenException':
            return new errors/* UserError */.yo(`STS rejected the GitHub OIDC token for ${roleArn} (${who}): ${message}`, {
                hint: `The account needs an IAM OIDC identity provider for ${String(claims?.iss ?? 'https://token.actions.githubusercontent.com')} with audience "${aud}" (see docs/iam.md), and the trust policy must match:\n${statement}`,
                cause: error,
            });
        case 'ExpiredTokenException':
        case 'ExpiredToken':
            return new errors/* UserError */.yo(`The GitHub OIDC token expired before STS accepted it (${roleArn}).`, {
                hint: 'Re-run the job; tokens are short-lived and requested right before use.',
                cause: error,
            });
        case 'ValidationError':
            if (/DurationSeconds|MaxSessionDuration/i.test(message)) {
                return new errors/* InputError */.dz('role-duration-seconds', `${context.durationSeconds} is refused by ${roleArn}: ${message}`, {
                    hint: (n) => `Lower ${n.name('role-duration-seconds')} or raise the role's "Maximum session duration".`,
                });
            }
            return new errors/* UserError */.yo(`STS AssumeRoleWithWebIdentity for ${roleArn} failed: ${message}`, {
                cause: error,
            });
        case 'RegionDisabledException':
            return new errors/* UserError */.yo(`STS is not activated in region ${context.region} for this account.`, {
                hint: 'Activate the region in IAM account settings, or list an activated region first.',
                cause: error,
            });
        default:
            return new errors/* UserError */.yo(`STS AssumeRoleWithWebIdentity for ${roleArn} failed in ${context.region}: ${name}: ${message}`, {
                cause: error,
            });
    }
}
/** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN for a child process; empty for the default chain. */
function credentialsEnv(resolved) {
    if (resolved.source !== 'assumed-role')
        return {};
    const { accessKeyId, secretAccessKey, sessionToken } = resolved.credentials;
    return {
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
    };
}
/**
 * The environment for a child process (serverless deploy): `base` plus the assumed-role keys.
 * With assumed credentials, profile variables are dropped so the child cannot pick another
 * identity over the keys; with the default chain the child resolves the same chain itself.
 */
function childProcessEnv(base, resolved) {
    const env = { ...base };
    if (resolved.source === 'assumed-role') {
        delete env.AWS_PROFILE;
        delete env.AWS_DEFAULT_PROFILE;
        delete env.AWS_SESSION_TOKEN;
        Object.assign(env, credentialsEnv(resolved));
    }
    return env;
}


/***/ }),

/***/ 650:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z4: () => (/* binding */ DEFAULT_AUDIENCE),
/* harmony export */   bC: () => (/* binding */ idTokenFromFile),
/* harmony export */   dG: () => (/* binding */ decodeJwtClaims),
/* harmony export */   jS: () => (/* binding */ githubIdTokenFromEnv),
/* harmony export */   oX: () => (/* binding */ GITHUB_ISSUER)
/* harmony export */ });
/* unused harmony export IdTokenUnavailableError */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/**
 * GitHub's OIDC token: requesting it outside @actions/core (the CLI) and reading its claims for
 * error messages. The token itself is a bearer credential: it is masked by the caller as soon as
 * it exists and never printed; only the `sub`, `aud` and `iss` claims are shown.
 */


const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
/** Thrown when no token can be had: the caller turns it into the id-token permission message. */
class IdTokenUnavailableError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'IdTokenUnavailableError';
    }
}
/** Decodes (does not verify) a JWT's payload. Undefined when it is not a JWT. */
function decodeJwtClaims(token) {
    const payload = token.split('.')[1];
    if (!payload)
        return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return claims && typeof claims === 'object' ? claims : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The runner's token endpoint, as @actions/core uses it: GET ACTIONS_ID_TOKEN_REQUEST_URL
 * (which already carries `?api-version=...`) + `&audience=`, with
 * `Authorization: bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answering {"value": "<JWT>"}.
 * Both variables exist only in jobs granted `permissions: id-token: write`.
 */
function githubIdTokenFromEnv(env, options = {}) {
    return async (audience) => {
        const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
        const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
        if (!url || !bearer) {
            throw new IdTokenUnavailableError('ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set');
        }
        const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
        let lastError;
        // A couple of attempts: the endpoint occasionally answers 5xx under load.
        for (let attempt = 1; attempt <= 3; attempt++) {
            try {
                const response = await fetch(target, {
                    headers: { Authorization: `bearer ${bearer}`, Accept: 'application/json' },
                    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
                });
                if (response.ok) {
                    const body = (await response.json());
                    if (typeof body.value !== 'string' || body.value.length === 0) {
                        throw new IdTokenUnavailableError('the token endpoint answered without a "value" field');
                    }
                    return body.value;
                }
                lastError = new IdTokenUnavailableError(`the token endpoint answered HTTP ${response.status}`);
                if (response.status < 500)
                    break;
            }
            catch (error) {
                if (error instanceof IdTokenUnavailableError)
                    throw error;
                lastError = error;
            }
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
        throw lastError instanceof IdTokenUnavailableError
            ? lastError
            : new IdTokenUnavailableError(`the token endpoint could not be reached: ${String(lastError)}`, {
                cause: lastError,
            });
    };
}
/** A token written to a file by another tool (e.g. a CI system other than GitHub Actions). */
function idTokenFromFile(path) {
    return async () => {
        try {
            const token = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8')).trim();
            if (!token)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`Web identity token file ${path} is empty.`);
            return token;
        }
        catch (error) {
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo)
                throw error;
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`Cannot read the web identity token file ${path}: ${error.message}`);
        }
    };
}


/***/ }),

/***/ 838:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fw: () => (/* binding */ validateOrganizationId),
/* harmony export */   IR: () => (/* binding */ validateDurationSeconds),
/* harmony export */   Lj: () => (/* binding */ MAX_DESCRIPTION_LENGTH),
/* harmony export */   Qs: () => (/* binding */ validateLicenseInfo),
/* harmony export */   _l: () => (/* binding */ validateRoleArn),
/* harmony export */   d5: () => (/* binding */ validateAccountId),
/* harmony export */   jo: () => (/* binding */ validateLayerName),
/* harmony export */   jq: () => (/* binding */ validateRegion),
/* harmony export */   mx: () => (/* binding */ validateRoleSessionName),
/* harmony export */   s1: () => (/* binding */ validateRegions),
/* harmony export */   wQ: () => (/* binding */ validatePositiveInteger),
/* harmony export */   x8: () => (/* binding */ sanitizeRoleSessionName)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/**
 * Validation of the AWS-facing inputs, before any call is made: each failure is an InputError
 * naming the input, so a typo never costs a round trip (or half a multi-region publish).
 * Patterns are Lambda's, IAM's and STS's own (API reference, cited per rule).
 */

/**
 * PublishLayerVersion LayerName: "Length Constraints: Minimum length of 1. Maximum length of 140.
 * Pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html). We accept the
 * plain-name branch only: the region comes from --region, and an ARN would pin one region.
 */
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;
function validateLayerName(name, input = 'layer-name') {
    if (name.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, 'is empty: give the layer a name, e.g. "my-app-deps".');
    if (name.length > 140) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${name.slice(0, 40)}…" is ${name.length} characters; Lambda allows 1-140.`);
    }
    if (name.startsWith('arn:')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, (n) => `"${name}" is an ARN; give the plain layer name (regions come from ${n.name('region')}).`);
    }
    if (!LAYER_NAME.test(name)) {
        const bad = [...new Set(name.replace(/[a-zA-Z0-9_-]/g, ''))].join('');
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${name}" contains characters Lambda does not allow in a layer name (${JSON.stringify(bad)}); use letters, digits, "-" and "_".`);
    }
    return name;
}
/**
 * Region codes: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1,
 * us-iso-east-1, us-isob-east-1. Checked for shape only: a new region must not need a release.
 */
const REGION = /^[a-z]{2}(-(gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;
function validateRegion(region, input = 'region') {
    if (!REGION.test(region)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${region}" is not an AWS region code (like "us-east-1" or "eu-west-3").`);
    }
    return region;
}
/** Several regions, deduplicated in the order given. */
function validateRegions(regions, input = 'region') {
    const list = [...new Set(regions.map((r) => r.trim()).filter((r) => r.length > 0))];
    if (list.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, 'no region given.');
    for (const region of list)
        validateRegion(region, input);
    return list;
}
/** PublishLayerVersion LicenseInfo: "Maximum length of 512." */
function validateLicenseInfo(license, input = 'license-info') {
    if (license.length > 512) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `is ${license.length} characters; Lambda allows at most 512 (an SPDX id or a URL).`);
    }
    return license;
}
/** PublishLayerVersion Description: "Minimum length of 0. Maximum length of 256." */
const MAX_DESCRIPTION_LENGTH = 256;
/** AddLayerVersionPermission Principal: "\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root" — we take account ids. */
function validateAccountId(id, input = 'grant-account') {
    if (!/^\d{12}$/.test(id))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${id}" is not a 12-digit AWS account id.`);
    return id;
}
/** AddLayerVersionPermission OrganizationId: "o-[a-z0-9]{10,32}" (maximum length 34). */
function validateOrganizationId(id, input = 'grant-org') {
    if (!/^o-[a-z0-9]{10,32}$/.test(id)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${id}" is not an AWS Organizations id (o- followed by 10-32 lowercase letters/digits).`);
    }
    return id;
}
/**
 * IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. AssumeRoleWithWebIdentity RoleArn has
 * length 20-2048; role names use [\w+=,.@-] and paths add "/".
 */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
function validateRoleArn(arn, input = 'role-to-assume') {
    if (arn.length < 20 || arn.length > 2048 || !ROLE_ARN.test(arn)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${arn}" is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME).`, {
            hint: "Copy the ARN from the aws/github-roles.yml stack's outputs (PublishRoleArn, DeployRoleArn) or the role's summary page in the IAM console.",
        });
    }
    return arn;
}
/** AssumeRoleWithWebIdentity DurationSeconds: "Minimum value of 900. Maximum value of 43200." */
function validateDurationSeconds(seconds, input = 'role-duration-seconds') {
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${seconds} is outside 900-43200 seconds (15 minutes to 12 hours).`, {
            hint: 'The role\'s own "Maximum session duration" must also allow it (default 1 hour).',
        });
    }
    return seconds;
}
/** AssumeRoleWithWebIdentity RoleSessionName: "Length 2-64. Pattern: [\w+=,.@-]*". */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
function validateRoleSessionName(name, input = 'role-session-name') {
    if (!SESSION_NAME.test(name)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${name}" must be 2-64 characters of letters, digits and + = , . @ _ -.`);
    }
    return name;
}
/** Makes any text a valid session name: disallowed characters become "-", cut to 64. */
function sanitizeRoleSessionName(text) {
    const cleaned = text.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
    return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}
/** A positive integer flag (keep, limits). */
function validatePositiveInteger(value, input, min = 1) {
    if (!Number.isInteger(value) || value < min) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${value} is not a whole number >= ${min}.`);
    }
    return value;
}


/***/ }),

/***/ 8680:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ regionsFrom),
/* harmony export */   b: () => (/* binding */ regionFrom)
/* harmony export */ });
/* harmony import */ var _aws_validation_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(838);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/**
 * One rule for the region in every command that talks to AWS: the --region flag, else
 * AWS_REGION, else AWS_DEFAULT_REGION (the order the AWS SDKs and the AWS CLI use), else an
 * error naming --region. No command guesses a region: a layer published to or a stack deployed
 * in a region nobody chose is hard to find.
 */


/** Every --region given (repeatable, comma separated), or the one the environment names. */
function regionsFrom(flags, env) {
    const given = (flags ?? []).flatMap((r) => r.split(','));
    if (given.length > 0)
        return (0,_aws_validation_js__WEBPACK_IMPORTED_MODULE_0__/* .validateRegions */ .s1)(given, '--region');
    const fromEnv = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
    if (fromEnv)
        return (0,_aws_validation_js__WEBPACK_IMPORTED_MODULE_0__/* .validateRegions */ .s1)([fromEnv], env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION');
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('--region', 'no region given', {
        hint: 'pass --region REGION (e.g. --region eu-west-1), or set AWS_REGION',
    });
}
/** The one region of a command that works in one (deploy). */
function regionFrom(flag, env) {
    const regions = regionsFrom(flag === undefined ? undefined : [flag], env);
    if (regions.length > 1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('--region', `give one region, not ${regions.join(', ')}`);
    return regions[0];
}


/***/ }),

/***/ 1698:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N9: () => (/* binding */ roleFlagsUsage),
/* harmony export */   Wx: () => (/* binding */ runIdFromEnv),
/* harmony export */   X4: () => (/* binding */ idTokenSourceFromFlags),
/* harmony export */   Zo: () => (/* binding */ ROLE_FLAGS),
/* harmony export */   w3: () => (/* binding */ credentialsFromFlags)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _aws_github_oidc_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(650);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8422);
/**
 * The flags that assume an IAM role with a GitHub OIDC token, shared by `publish` and `deploy`:
 * where the token comes from (a file, or the GitHub Actions job's token endpoint), and the
 * session settings. Without --role-to-assume the AWS SDK's default chain (profile, keys, SSO) is used.
 */




const ROLE_FLAG_HELP = [
    ['--role-to-assume ARN', "assume this role with a GitHub OIDC token (default: the SDK's credential chain)"],
    [
        '--web-identity-token-file F',
        'OIDC token file for --role-to-assume (default: the Actions token endpoint,\nfrom ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN; the job needs id-token: write)',
    ],
    ['--audience AUD', 'OIDC audience (default: sts.amazonaws.com)'],
    ['--role-session-name NAME', 'STS session name (default: lambda-layer-<GITHUB_RUN_ID>)'],
    ['--role-duration-seconds N', '900-43200 (default: 3600)'],
];
/** The flags' lines of a command's usage text, descriptions starting at `column`. */
function roleFlagsUsage(column) {
    return ROLE_FLAG_HELP.map(([flag, help]) => help
        .split('\n')
        .map((line, i) => (i === 0 ? `  ${flag}`.padEnd(column) : ' '.repeat(column)) + line)
        .join('\n')).join('\n');
}
const ROLE_FLAGS = {
    'role-to-assume': { type: 'string' },
    'web-identity-token-file': { type: 'string' },
    audience: { type: 'string' },
    'role-session-name': { type: 'string' },
    'role-duration-seconds': { type: 'string' },
};
function credentialsFromFlags(values) {
    return {
        roleToAssume: values['role-to-assume'],
        audience: values.audience,
        roleSessionName: values['role-session-name'],
        durationSeconds: (0,_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .parseInteger */ .cG)('role-duration-seconds', values['role-duration-seconds']),
    };
}
/** The OIDC token: --web-identity-token-file, else the job's (inside GitHub Actions), else none. */
function idTokenSourceFromFlags(values, io) {
    if (values['web-identity-token-file'])
        return (0,_aws_github_oidc_js__WEBPACK_IMPORTED_MODULE_1__/* .idTokenFromFile */ .bC)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(io.cwd, values['web-identity-token-file']));
    if (io.env.ACTIONS_ID_TOKEN_REQUEST_URL)
        return (0,_aws_github_oidc_js__WEBPACK_IMPORTED_MODULE_1__/* .githubIdTokenFromEnv */ .jS)(io.env);
    if (values['role-to-assume']) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UserError */ .yo(`No GitHub OIDC token available to assume ${values['role-to-assume']}.`, {
            hint: 'Inside GitHub Actions the job needs\npermissions:\n  id-token: write\nElsewhere pass --web-identity-token-file, or drop --role-to-assume to use your AWS profile.',
        });
    }
    return undefined;
}
/** GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, for the default role session name. */
function runIdFromEnv(env) {
    return env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` : undefined;
}


/***/ })

};
