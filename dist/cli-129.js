export const id = 129;
export const ids = [129];
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
function commonConfig(options) {
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${name}" is an ARN; give the plain layer name (regions come from "region").`);
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${arn}" is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME).`, { hint: "Copy the ARN from the role's summary page in the IAM console." });
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

/***/ 9129:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publishCommand: () => (/* binding */ publishCommand),
  publishSummary: () => (/* binding */ publishSummary)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/aws/github-oidc.ts
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
            const token = (await (0,promises_.readFile)(path, 'utf8')).trim();
            if (!token)
                throw new errors/* UserError */.yo(`Web identity token file ${path} is empty.`);
            return token;
        }
        catch (error) {
            if (error instanceof errors/* UserError */.yo)
                throw error;
            throw new errors/* UserError */.yo(`Cannot read the web identity token file ${path}: ${error.message}`);
        }
    };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-lambda/dist-cjs/index.js
var dist_cjs = __webpack_require__(1696);
// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/target.ts
var src_target = __webpack_require__(6746);
// EXTERNAL MODULE: ./src/aws/aws-errors.ts
var aws_errors = __webpack_require__(8098);
// EXTERNAL MODULE: ./src/aws/clients.ts
var aws_clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/version.ts + 1 modules
var version = __webpack_require__(1013);
// EXTERNAL MODULE: ./src/aws/validation.ts
var validation = __webpack_require__(838);
;// CONCATENATED MODULE: ./src/aws/description.ts
/**
 * The layer version Description: who built it, from which requirements and commit, and a short
 * digest of the zip. The digest lets a later run find the matching version among many with one
 * GetLayerVersion call instead of one per version (ListLayerVersions returns no CodeSha256).
 */


/** The marker written into descriptions: "code:" + the first 16 hex digits of the zip's sha256. */
function codeMarker(codeSha256) {
    return `code:${Buffer.from(codeSha256, 'base64').toString('hex').slice(0, 16)}`;
}
function layerDescription(parts) {
    const facts = [
        `${version/* TOOL_NAME */.l} ${version/* TOOL_VERSION */.w}`,
        parts.requirementsHash ? `req:${parts.requirementsHash.slice(0, 16)}` : undefined,
        parts.commit ? `commit:${parts.commit.slice(0, 12)}` : undefined,
        codeMarker(parts.codeSha256),
    ]
        .filter(Boolean)
        .join(' ');
    const room = validation/* MAX_DESCRIPTION_LENGTH */.Lj - facts.length - 3;
    const text = parts.text?.trim();
    if (!text || room <= 0)
        return facts;
    const cut = text.length > room ? `${text.slice(0, room - 1)}…` : text;
    return `${cut} | ${facts}`;
}

;// CONCATENATED MODULE: ./src/aws/layer-versions.ts
/**
 * Reading a layer's versions: the paginated list, and finding one whose content is byte-identical
 * to our zip. ListLayerVersions does not return CodeSha256 (its items carry ARN, version,
 * description, dates, runtimes, architectures, license), so candidates are confirmed with
 * GetLayerVersion, whose Content.CodeSha256 is base64(sha256(zip)).
 */


function fromListItem(item) {
    if (item.Version === undefined || !item.LayerVersionArn)
        return undefined;
    return {
        version: item.Version,
        layerVersionArn: item.LayerVersionArn,
        description: item.Description ?? '',
        compatibleRuntimes: item.CompatibleRuntimes ?? [],
        compatibleArchitectures: item.CompatibleArchitectures ?? [],
        licenseInfo: item.LicenseInfo,
    };
}
/** All versions, newest first. A layer that does not exist yet has none. */
async function listLayerVersions(lambda, layerName) {
    const versions = [];
    let marker;
    do {
        const page = await lambda.send(new dist_cjs/* ListLayerVersionsCommand */.icq({ LayerName: layerName, Marker: marker, MaxItems: 50 }));
        for (const item of page.LayerVersions ?? []) {
            const version = fromListItem(item);
            if (version)
                versions.push(version);
        }
        marker = page.NextMarker || undefined;
    } while (marker);
    return versions.sort((a, b) => b.version - a.version);
}
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
/** Metadata a reused version must share with what we would publish (its description may differ). */
function metadataMatches(version, wanted) {
    return (sameSet(version.compatibleRuntimes, wanted.compatibleRuntimes) &&
        sameSet(version.compatibleArchitectures, wanted.compatibleArchitectures) &&
        (version.licenseInfo ?? '') === (wanted.licenseInfo ?? ''));
}
/**
 * The order in which to confirm candidates: versions whose description carries our zip's digest
 * first (almost surely a match), then the newest others up to `fallbackLimit` (versions published
 * by other tools or before descriptions carried the digest).
 */
function reuseCandidates(versions, wanted, fallbackLimit = 10) {
    const eligible = versions.filter((v) => metadataMatches(v, wanted));
    const marker = codeMarker(wanted.codeSha256);
    const marked = eligible.filter((v) => v.description.includes(marker));
    const others = eligible.filter((v) => !v.description.includes(marker)).slice(0, fallbackLimit);
    return [...marked, ...others];
}
async function getLayerVersion(lambda, layerName, version) {
    return lambda.send(new dist_cjs/* GetLayerVersionCommand */.VK5({ LayerName: layerName, VersionNumber: version }));
}
/** The first candidate whose Content.CodeSha256 equals the zip's, or undefined. */
async function findVersionWithCode(lambda, layerName, candidates, codeSha256) {
    for (const candidate of candidates) {
        const detail = await getLayerVersion(lambda, layerName, candidate.version);
        if (detail.Content?.CodeSha256 === codeSha256 && detail.LayerVersionArn && detail.LayerArn) {
            return {
                version: candidate.version,
                layerArn: detail.LayerArn,
                layerVersionArn: detail.LayerVersionArn,
            };
        }
    }
    return undefined;
}
/**
 * Versions to delete so that `keep` remain in total: the current one (just published or reused)
 * always stays, then the newest others fill the remaining places.
 */
function versionsToPrune(versions, current, keep) {
    const others = [...new Set(versions)].filter((v) => v !== current).sort((a, b) => b - a);
    return others.slice(Math.max(keep - 1, 0));
}
/** The layer ARN (no version) from a layer version ARN. */
function layerArnOf(layerVersionArn) {
    return layerVersionArn.replace(/:\d+$/, '');
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(3711);
;// CONCATENATED MODULE: ./src/aws/s3-staging.ts
/**
 * Staging a zip in S3 for PublishLayerVersion (zips over the direct-upload limit, or when the
 * user asks). Lambda reads S3Bucket/S3Key from a bucket in the SAME region as the layer, with the
 * caller's permissions (hence s3:GetObject in the policy). The object is temporary: the caller
 * deletes it in a `finally`, whatever the publish did.
 */




const STAGING_PREFIX = 'lambda-layer-staging/';
/** A bucket name may contain "{region}" so one setting serves several regions. */
function bucketForRegion(template, region) {
    return template.replaceAll('{region}', region);
}
function stagingKey(layerName, codeSha256) {
    const hex = Buffer.from(codeSha256, 'base64').toString('hex').slice(0, 16);
    return `${STAGING_PREFIX}${layerName}/${hex}-${(0,external_node_crypto_.randomUUID)()}.zip`;
}
async function putStagingObject(s3, target, body) {
    try {
        await s3.send(new client_s3_dist_cjs/* PutObjectCommand */.wKZ({
            Bucket: target.bucket,
            Key: target.key,
            Body: body,
            ContentType: 'application/zip',
        }));
    }
    catch (error) {
        throw explainS3Error(error, 'upload the layer zip to', target);
    }
}
async function deleteStagingObject(s3, target) {
    await s3.send(new client_s3_dist_cjs/* DeleteObjectCommand */.k4j({ Bucket: target.bucket, Key: target.key }));
}
function explainS3Error(error, doing, target) {
    const { name, status } = (0,aws_errors/* awsErrorShape */.jX)(error);
    const where = `s3://${target.bucket}/${target.key}`;
    if (name === 'NoSuchBucket') {
        return new errors/* UserError */.yo(`Cannot ${doing} ${where}: bucket "${target.bucket}" does not exist.`, {
            hint: `Create it in ${target.region} (the staging bucket must be in the layer's region; "{region}" in the name is replaced per region).`,
            cause: error,
        });
    }
    if (name === 'PermanentRedirect' ||
        name === 'AuthorizationHeaderMalformed' ||
        name === 'IllegalLocationConstraintException' ||
        status === 301) {
        return new errors/* UserError */.yo(`Cannot ${doing} ${where}: bucket "${target.bucket}" is not in region ${target.region}.`, {
            hint: `Lambda only reads layer content from a bucket in the layer's own region. Use one bucket per region, e.g. --s3-bucket "my-layers-{region}".`,
            cause: error,
        });
    }
    if ((0,aws_errors/* isAccessDenied */.w7)(error)) {
        return new errors/* UserError */.yo(`Cannot ${doing} ${where}: access denied (${(0,aws_errors/* describeAwsError */.Pp)(error)}).`, {
            hint: `Allow s3:PutObject, s3:GetObject and s3:DeleteObject on arn:aws:s3:::${target.bucket}/${STAGING_PREFIX}* (docs/iam.md).`,
            cause: error,
        });
    }
    return new errors/* UserError */.yo(`Cannot ${doing} ${where} (${target.region}): ${(0,aws_errors/* describeAwsError */.Pp)(error)}`, {
        cause: error,
    });
}

;// CONCATENATED MODULE: ./src/aws/publish.ts
/**
 * Publishing a layer zip to one or more regions, idempotently:
 *   per region (concurrently): list versions -> reuse one whose CodeSha256 equals the zip's, or
 *   publish (directly, or staged through S3 when the zip is over the direct-upload limit) ->
 *   grant use to accounts / an organization -> prune old versions beyond `keep`.
 *
 * A region that fails is named and does not hide the others: all regions finish, then a
 * PublishError lists the failures and carries the full result (successful regions included) so
 * the caller can still set outputs.
 *
 * Nothing is left half-done: the S3 staging object is deleted in a `finally`; a publish attempt
 * that timed out or got a 5xx may still have created the version, so before repeating it we look
 * for a new version with our CodeSha256 and adopt it instead of creating a duplicate.
 */











/** Some regions failed. `result` has every region's outcome, successful ones included. */
class PublishError extends errors/* UserError */.yo {
    result;
    constructor(result, options = {}) {
        const failed = result.regions.filter((r) => !r.ok);
        super(`Publishing layer "${result.layerName}" failed in ${failed.length} of ${result.regions.length} region(s):\n${failed
            .map((r) => `  ${r.region}: ${r.error}`)
            .join('\n')}`, options);
        this.name = 'PublishError';
        this.result = result;
    }
}
/** Validates a request's inputs (names the input on failure); returns the normalized regions. */
function validatePublishRequest(request) {
    (0,validation/* validateLayerName */.jo)(request.layerName);
    const regions = (0,validation/* validateRegions */.s1)(request.regions);
    if (request.licenseInfo !== undefined)
        (0,validation/* validateLicenseInfo */.Qs)(request.licenseInfo);
    if (request.description.length > validation/* MAX_DESCRIPTION_LENGTH */.Lj) {
        throw new errors/* UserError */.yo(`The layer description is ${request.description.length} characters; Lambda allows 256.`);
    }
    for (const id of request.grant?.accountIds ?? [])
        (0,validation/* validateAccountId */.d5)(id);
    if (request.grant?.organizationId)
        (0,validation/* validateOrganizationId */.Fw)(request.grant.organizationId);
    if (request.keep !== undefined)
        (0,validation/* validatePositiveInteger */.wQ)(request.keep, 'keep');
    if (request.directUploadLimit !== undefined)
        (0,validation/* validatePositiveInteger */.wQ)(request.directUploadLimit, 'direct-upload-limit');
    return regions;
}
async function publishLayer(request, settings, log) {
    const regions = validatePublishRequest(request);
    const zip = await (0,promises_.readFile)(request.zipPath).catch((error) => {
        throw new errors/* UserError */.yo(`Cannot read the layer zip ${request.zipPath}: ${error.message}`);
    });
    const actualSha = (0,external_node_crypto_.createHash)('sha256').update(zip).digest('base64');
    if (actualSha !== request.codeSha256) {
        throw new errors/* UserError */.yo(`The CodeSha256 given for ${request.zipPath} (${request.codeSha256}) does not match the file (${actualSha}).`, { hint: 'The manifest is stale: rebuild, or publish the zip that belongs to it.' });
    }
    const limit = request.directUploadLimit ?? src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes;
    if (zip.length > limit && !request.s3Bucket) {
        throw new errors/* UserError */.yo(`${request.zipPath} is ${(0,report/* formatBytes */.z3)(zip.length)}, over the ${(0,report/* formatBytes */.z3)(limit)} limit for a direct PublishLayerVersion upload.`, { hint: 'Give an S3 staging bucket in each region (s3-bucket / --s3-bucket, "{region}" is replaced).' });
    }
    log.info(`Publishing layer "${request.layerName}" (${(0,report/* formatBytes */.z3)(zip.length)}, CodeSha256 ${request.codeSha256}) to ${regions.join(', ')}`);
    const outcomes = await Promise.all(regions.map((region) => publishInRegion(region, request, zip, settings, log)));
    const result = {
        ok: outcomes.every((o) => o.ok),
        layerName: request.layerName,
        codeSha256: request.codeSha256,
        zipSize: zip.length,
        regions: outcomes,
    };
    if (!result.ok) {
        const denied = outcomes.some((o) => o.error?.includes('AccessDenied'));
        throw new PublishError(result, {
            hint: denied
                ? "The credentials lack a permission: compare the role's policy with docs/iam.md."
                : 'The regions listed as failed can be re-run safely: an identical zip is reused, not published twice.',
        });
    }
    return result;
}
async function publishInRegion(region, request, zip, settings, log) {
    const started = Date.now();
    const clients = (0,aws_clients/* createRegionClients */.vy)({ ...settings, region });
    const context = { region, request, zip, settings, log, lambda: clients.lambda };
    const warnings = [];
    const granted = [];
    let pruned = [];
    let step = 'ListLayerVersions';
    let current;
    try {
        const existing = await listLayerVersions(clients.lambda, request.layerName);
        step = 'GetLayerVersion';
        const candidates = reuseCandidates(existing, {
            codeSha256: request.codeSha256,
            compatibleRuntimes: request.compatibleRuntimes,
            compatibleArchitectures: request.compatibleArchitectures,
            licenseInfo: request.licenseInfo,
        });
        const reusable = await findVersionWithCode(clients.lambda, request.layerName, candidates, request.codeSha256);
        if (reusable) {
            current = { ...reusable, reused: true };
            log.info(`[${region}] reused version ${reusable.version} (same CodeSha256): ${reusable.layerVersionArn}`);
        }
        else {
            step = 'PublishLayerVersion';
            const baseline = existing[0]?.version ?? 0;
            const useS3 = Boolean(request.s3Bucket) ||
                zip.length > (request.directUploadLimit ?? src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes);
            const published = useS3
                ? await publishThroughS3(context, clients.s3, baseline, warnings)
                : await publishVersion(context, { ZipFile: zip }, baseline);
            current = { ...published, reused: false, uploadedVia: useS3 ? 's3' : 'direct' };
            log.info(`[${region}] published version ${published.version}${useS3 ? ' (via S3)' : ''}: ${published.layerVersionArn}`);
        }
        step = 'AddLayerVersionPermission';
        granted.push(...(await grantUse(context, current.version)));
        if (request.keep !== undefined) {
            step = 'DeleteLayerVersion';
            const all = [...existing.map((v) => v.version), current.version];
            pruned = await prune(context, versionsToPrune(all, current.version, request.keep), warnings);
        }
        return {
            region,
            ok: true,
            layerArn: current.layerArn,
            layerVersionArn: current.layerVersionArn,
            version: current.version,
            reused: current.reused,
            uploadedVia: current.uploadedVia,
            granted,
            pruned,
            warnings,
            durationMs: Date.now() - started,
        };
    }
    catch (error) {
        const message = error instanceof errors/* UserError */.yo ? error.message : `${step} failed: ${(0,aws_errors/* describeAwsError */.Pp)(error)}`;
        log.error(`[${region}] ${message}`);
        return {
            region,
            ok: false,
            // A version that exists but could not be shared is reported, so a re-run's reuse is explained.
            layerArn: current?.layerArn,
            layerVersionArn: current?.layerVersionArn,
            version: current?.version,
            reused: current?.reused,
            uploadedVia: current?.uploadedVia,
            granted,
            pruned,
            warnings,
            error: message,
            durationMs: Date.now() - started,
        };
    }
    finally {
        clients.destroy();
    }
}
async function publishThroughS3(context, s3, baseline, warnings) {
    const { region, request, log } = context;
    const bucket = bucketForRegion(request.s3Bucket ?? '', region);
    if (!bucket) {
        throw new errors/* UserError */.yo(`[${region}] the zip needs S3 staging but no bucket was given.`);
    }
    const target = { bucket, key: stagingKey(request.layerName, request.codeSha256), region };
    await putStagingObject(s3, target, context.zip);
    log.debug(`[${region}] staged s3://${bucket}/${target.key}`);
    try {
        return await publishVersion(context, { S3Bucket: bucket, S3Key: target.key }, baseline);
    }
    finally {
        try {
            await deleteStagingObject(s3, target);
            log.debug(`[${region}] deleted staging object s3://${bucket}/${target.key}`);
        }
        catch (error) {
            const warning = `could not delete the staging object s3://${bucket}/${target.key}: ${(0,aws_errors/* describeAwsError */.Pp)(error)} (delete it by hand, or add a lifecycle rule on ${target.key.split('/')[0]}/)`;
            warnings.push(warning);
            log.warn(`[${region}] ${warning}`);
        }
    }
}
/**
 * PublishLayerVersion is not idempotent: an attempt that timed out or got a 5xx may have created
 * the version anyway. So this client makes single attempts, and before repeating an ambiguous one
 * we look for a version newer than `baseline` with our CodeSha256 and adopt it.
 */
async function publishVersion(context, content, baseline) {
    const { region, request, settings, log } = context;
    const maxAttempts = settings.maxAttempts ?? aws_clients/* DEFAULT_MAX_ATTEMPTS */.Gz;
    // Lambda can be silent for a while on a large zip: give the publish answer more room than other calls.
    const single = (0,aws_clients/* createLambdaClient */.Vw)({
        ...settings,
        region,
        maxAttempts: 1,
        socketTimeoutMs: settings.socketTimeoutMs ?? 300_000,
    });
    try {
        for (let attempt = 1;; attempt++) {
            try {
                const out = await single.send(new dist_cjs/* PublishLayerVersionCommand */.cl_({
                    LayerName: request.layerName,
                    Content: content,
                    Description: request.description,
                    CompatibleRuntimes: request.compatibleRuntimes,
                    CompatibleArchitectures: request.compatibleArchitectures,
                    ...(request.licenseInfo ? { LicenseInfo: request.licenseInfo } : {}),
                }));
                if (out.Version === undefined || !out.LayerVersionArn) {
                    throw new errors/* UserError */.yo(`[${region}] PublishLayerVersion answered without a version.`);
                }
                return {
                    version: out.Version,
                    layerVersionArn: out.LayerVersionArn,
                    layerArn: out.LayerArn ?? layerArnOf(out.LayerVersionArn),
                };
            }
            catch (error) {
                const ambiguous = (0,aws_errors/* isAmbiguousFailure */.Jh)(error);
                if (!ambiguous && !(0,aws_errors/* isThrottling */.E2)(error))
                    throw error;
                if (ambiguous) {
                    const landed = await findLanded(context, baseline);
                    if (landed) {
                        log.warn(`[${region}] PublishLayerVersion reported ${(0,aws_errors/* awsErrorShape */.jX)(error).name}, but version ${landed.version} with our CodeSha256 exists: using it`);
                        return landed;
                    }
                }
                if (attempt >= maxAttempts)
                    throw error;
                const base = settings.publishRetryBaseMs ?? 500;
                const delay = Math.min(base * 2 ** (attempt - 1), 10_000) * (0.5 + Math.random() / 2);
                log.warn(`[${region}] PublishLayerVersion attempt ${attempt} failed (${(0,aws_errors/* describeAwsError */.Pp)(error)}); retrying`);
                await new Promise((resolve) => setTimeout(resolve, delay));
            }
        }
    }
    finally {
        single.destroy();
    }
}
/** A version created since `baseline` whose content is our zip (an attempt that did land). */
async function findLanded(context, baseline) {
    const { lambda, request } = context;
    const fresh = (await listLayerVersions(lambda, request.layerName)).filter((v) => v.version > baseline);
    return findVersionWithCode(lambda, request.layerName, fresh, request.codeSha256);
}
/** AddLayerVersionPermission per account / organization. An existing statement id counts as done. */
async function grantUse(context, version) {
    const { lambda, request, region, log } = context;
    const grants = [
        ...(request.grant?.accountIds ?? []).map((id) => ({
            statementId: `lambda-layer-account-${id}`,
            principal: id,
        })),
        ...(request.grant?.organizationId
            ? [
                {
                    statementId: `lambda-layer-org-${request.grant.organizationId}`,
                    principal: '*',
                    organizationId: request.grant.organizationId,
                },
            ]
            : []),
    ];
    const done = [];
    for (const grant of grants) {
        try {
            await lambda.send(new dist_cjs/* AddLayerVersionPermissionCommand */.zjw({
                LayerName: request.layerName,
                VersionNumber: version,
                StatementId: grant.statementId,
                Action: 'lambda:GetLayerVersion',
                Principal: grant.principal,
                ...(grant.organizationId ? { OrganizationId: grant.organizationId } : {}),
            }));
            log.info(`[${region}] granted lambda:GetLayerVersion on version ${version} to ${grant.organizationId ?? grant.principal}`);
        }
        catch (error) {
            if ((0,aws_errors/* awsErrorShape */.jX)(error).name !== 'ResourceConflictException')
                throw error;
            log.info(`[${region}] ${grant.organizationId ?? grant.principal} already allowed on version ${version}`);
        }
        done.push(grant.statementId);
    }
    return done;
}
/** Deletes old versions; a failure is a warning (the publish itself succeeded). */
async function prune(context, versions, warnings) {
    const { lambda, request, region, log } = context;
    const deleted = [];
    for (const version of versions) {
        try {
            await lambda.send(new dist_cjs/* DeleteLayerVersionCommand */.KnR({ LayerName: request.layerName, VersionNumber: version }));
            deleted.push(version);
        }
        catch (error) {
            const warning = `could not delete old version ${version}: ${(0,aws_errors/* describeAwsError */.Pp)(error)}${(0,aws_errors/* isAccessDenied */.w7)(error) ? ' (allow lambda:DeleteLayerVersion, or drop keep)' : ''}`;
            warnings.push(warning);
            log.warn(`[${region}] ${warning}`);
        }
    }
    if (deleted.length > 0)
        log.info(`[${region}] pruned version(s) ${deleted.join(', ')} (keep ${request.keep})`);
    return deleted;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./src/redact.ts
var redact = __webpack_require__(6670);
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

;// CONCATENATED MODULE: ./src/aws/trust-policy.ts
/**
 * The IAM trust-policy statement that would let a given GitHub OIDC token assume a role: shown
 * when STS refuses, so the fix is a copy-paste rather than a guess. Mirrors docs/iam.md.
 */

/** "token.actions.githubusercontent.com" (or a GHES host) from the token's issuer URL. */
function issuerHost(claims) {
    const iss = typeof claims?.iss === 'string' ? claims.iss : GITHUB_ISSUER;
    return iss.replace(/^https:\/\//, '').replace(/\/$/, '');
}
function firstAudience(claims) {
    const aud = claims?.aud;
    if (typeof aud === 'string')
        return aud;
    if (Array.isArray(aud) && typeof aud[0] === 'string')
        return aud[0];
    return DEFAULT_AUDIENCE;
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
    const audience = options.audience?.trim() || DEFAULT_AUDIENCE;
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
    const claims = decodeJwtClaims(token);
    log.info(`Assuming ${roleArn} with the GitHub OIDC token (sub "${String(claims?.sub ?? '?')}", aud "${firstAudience(claims)}"), session ${roleSessionName}, ${durationSeconds}s`);
    const sts = (0,aws_clients/* createStsClient */.uW)({ ...options.client, credentials: undefined, region: options.region });
    try {
        const response = await sts.send(new client_sts_dist_cjs/* AssumeRoleWithWebIdentityCommand */.WH({
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
    const sts = (0,aws_clients/* createStsClient */.uW)({ ...options.client, credentials: undefined, region: options.region });
    try {
        const identity = await sts.send(new client_sts_dist_cjs/* GetCallerIdentityCommand */.zI({}));
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
            throw new errors/* UserError */.yo('No AWS credentials found (no role-to-assume, and the default provider chain is empty).', {
                hint: 'Set role-to-assume (GitHub OIDC, recommended), run aws-actions/configure-aws-credentials earlier in the job, or configure a profile/AWS_* variables for the CLI.',
                cause: error,
            });
        }
        throw new errors/* UserError */.yo(`The AWS credentials from the default provider chain were rejected: ${name}: ${error.message}`, {
            hint: 'They may be expired or for another partition; refresh them or use role-to-assume.',
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
                    hint: 'Lower role-duration-seconds or raise the role\'s "Maximum session duration".',
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

;// CONCATENATED MODULE: ./src/pipeline/publish-stage.ts
/**
 * Credentials, then publish (or reuse) the layer in every region: the one orchestration that
 * `lambda-layer publish` and the action's job both run, so they ask STS and describe versions
 * alike.
 */



async function runPublishStage(layer, publish, credentialsConfig, deps, log) {
    const credentials = await log.group('AWS credentials', () => resolveCredentials({
        ...credentialsConfig,
        // STS in the first publish region: the one the layer is certain to need.
        region: publish.regions[0],
        runId: deps.runId,
        client: { env: deps.env },
    }, { getIdToken: deps.getIdToken, mask: deps.mask }, log));
    const published = await log.group(`Publish layer ${publish.layerName}`, () => publishLayer({
        zipPath: layer.zipPath,
        codeSha256: layer.codeSha256,
        layerName: publish.layerName,
        regions: publish.regions,
        compatibleRuntimes: [layer.runtime],
        compatibleArchitectures: [layer.architecture],
        description: layerDescription({
            codeSha256: layer.codeSha256,
            requirementsHash: layer.requirementsHash,
            commit: deps.commit,
            text: publish.descriptionText,
        }),
        licenseInfo: publish.licenseInfo,
        s3Bucket: publish.s3Bucket,
        directUploadLimit: publish.directUploadLimit,
        grant: publish.grant,
        keep: publish.keep,
    }, { credentials: credentials.credentials, env: deps.env }, log));
    return { credentials, published };
}

// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
;// CONCATENATED MODULE: ./src/cli/publish.ts
/** `lambda-layer publish`: publish a built layer to one or more regions, reusing an identical version. */












const usage = `Usage: ${version/* TOOL_NAME */.l} publish <DIR|layer.zip> --layer-name NAME [options]

Publish a layer zip as a Lambda layer version in each region. When a version with the same
CodeSha256 (byte-identical zip) exists, it is reused instead of publishing a duplicate.
DIR is a build output directory (layer.zip + manifest.json: runtime, architecture and
requirements hash come from the manifest).

Options:
  --layer-name NAME              layer name (1-140 letters, digits, - and _)
  --region R                     region to publish to (repeatable; default: AWS_REGION or AWS_DEFAULT_REGION)
  --s3-bucket B                  stage the zip in this bucket (must be in each region; "{region}" is replaced);
                                 needed for zips over the 50 MB direct-upload limit
  --role-to-assume ARN           assume this role with a GitHub OIDC token (default: the SDK's credential chain)
  --web-identity-token-file F    OIDC token file for --role-to-assume (default: the Actions token endpoint,
                                 from ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN; the job needs id-token: write)
  --audience AUD                 OIDC audience (default: sts.amazonaws.com)
  --role-session-name NAME       STS session name (default: lambda-layer-<GITHUB_RUN_ID>)
  --role-duration-seconds N      900-43200 (default: 3600)
  --runtime NAME                 compatible runtime when publishing a bare zip (default: ${src_target/* DEFAULT_RUNTIME */.JA})
  --arch ARCH                    compatible architecture for a bare zip (default: ${src_target/* DEFAULT_ARCHITECTURE */.Qz})
  --description TEXT             text placed before the tool's own facts in the version description
  --commit SHA                   commit recorded in the description (default: GITHUB_SHA)
  --license-info S               SPDX id, URL or license text (max 512 characters)
  --grant-account ID             allow this account to use the version (repeatable)
  --grant-org o-...              allow every account of this AWS Organization
  --keep N                       keep N versions in total (the current one included); delete older ones
  --direct-upload-limit BYTES    zips above this go through S3 (default: ${src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes})
  --json                         print the result as JSON on stdout (progress stays on stderr)
  --verbose                      show debug output`;
/** DIR with manifest.json + zip, or a bare zip with --runtime/--arch (or the defaults, said so). */
async function readLayerInput(path, flags, io) {
    const full = (0,external_node_path_.resolve)(io.cwd, path);
    const info = await (0,promises_.stat)(full).catch(() => {
        throw new errors/* InputError */.dz('path', `${path} does not exist (give a build output directory or a layer.zip).`);
    });
    if (info.isDirectory()) {
        const manifestPath = (0,external_node_path_.join)(full, 'manifest.json');
        let manifest;
        try {
            manifest = JSON.parse(await (0,promises_.readFile)(manifestPath, 'utf8'));
        }
        catch (error) {
            throw new errors/* UserError */.yo(`Cannot read ${manifestPath}: ${error.message}`, {
                hint: `Give the directory written by "${version/* TOOL_NAME */.l} build" (layer.zip + manifest.json), or the zip itself with --runtime/--arch.`,
            });
        }
        if (flags.runtime || flags.arch) {
            io.log.warn('--runtime/--arch are ignored: the manifest says what the layer was built for');
        }
        return {
            zipPath: (0,external_node_path_.join)(full, manifest.layer?.file ?? 'layer.zip'),
            codeSha256: manifest.layer?.codeSha256,
            runtime: manifest.target.runtime,
            architecture: manifest.target.architecture,
            requirementsHash: manifest.requirementsHash,
        };
    }
    const target = (0,src_target/* resolveTarget */.u1)(flags.runtime ?? src_target/* DEFAULT_RUNTIME */.JA, flags.arch ?? src_target/* DEFAULT_ARCHITECTURE */.Qz);
    if (!flags.runtime || !flags.arch) {
        io.log.warn(`no manifest for a bare zip: publishing as compatible with ${target.runtime} ${target.architecture}${!flags.runtime && !flags.arch ? ' (the defaults)' : ''}; pass --runtime/--arch to say otherwise`);
    }
    return { zipPath: full, runtime: target.runtime, architecture: target.architecture };
}
/** One line per region, for people. */
function publishSummary(result) {
    return result.regions
        .map((r) => r.ok
        ? `  ${r.region.padEnd(15)} ${r.reused ? 'reused   ' : 'published'} version ${String(r.version).padEnd(4)} ${r.layerVersionArn}${r.pruned.length ? `  (pruned ${r.pruned.join(', ')})` : ''}`
        : `  ${r.region.padEnd(15)} FAILED    ${r.error}`)
        .join('\n');
}
async function run(argv, io) {
    const { values, positionals } = (0,parse/* parseCommandArgs */.Q)(argv, {
        'layer-name': { type: 'string' },
        region: { type: 'string', multiple: true },
        's3-bucket': { type: 'string' },
        'role-to-assume': { type: 'string' },
        'web-identity-token-file': { type: 'string' },
        audience: { type: 'string' },
        'role-session-name': { type: 'string' },
        'role-duration-seconds': { type: 'string' },
        runtime: { type: 'string' },
        arch: { type: 'string' },
        description: { type: 'string' },
        commit: { type: 'string' },
        'license-info': { type: 'string' },
        'grant-account': { type: 'string', multiple: true },
        'grant-org': { type: 'string' },
        keep: { type: 'string' },
        'direct-upload-limit': { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
    }, true);
    if (positionals.length !== 1)
        throw new parse/* UsageError */.e('give exactly one build directory or layer zip');
    const layerName = values['layer-name'];
    if (!layerName)
        throw new parse/* UsageError */.e('--layer-name is required');
    const regionList = values.region?.length
        ? values.region.flatMap((r) => r.split(','))
        : [io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? ''].filter(Boolean);
    if (regionList.length === 0) {
        throw new errors/* InputError */.dz('region', 'no region: pass --region (repeatable) or set AWS_REGION.');
    }
    const regions = (0,validation/* validateRegions */.s1)(regionList);
    const layer = await readLayerInput(positionals[0], { runtime: values.runtime, arch: values.arch }, io);
    const zip = await (0,promises_.readFile)(layer.zipPath).catch((error) => {
        throw new errors/* UserError */.yo(`Cannot read the layer zip ${layer.zipPath}: ${error.message}`);
    });
    const codeSha256 = (0,external_node_crypto_.createHash)('sha256').update(zip).digest('base64');
    if (layer.codeSha256 && layer.codeSha256 !== codeSha256) {
        throw new errors/* UserError */.yo(`${layer.zipPath} does not match its manifest (CodeSha256 ${codeSha256}, manifest ${layer.codeSha256}).`, {
            hint: 'Rebuild: the zip was changed after the build.',
        });
    }
    let getIdToken;
    if (values['web-identity-token-file'])
        getIdToken = idTokenFromFile((0,external_node_path_.resolve)(io.cwd, values['web-identity-token-file']));
    else if (io.env.ACTIONS_ID_TOKEN_REQUEST_URL)
        getIdToken = githubIdTokenFromEnv(io.env);
    else if (values['role-to-assume']) {
        throw new errors/* UserError */.yo(`No GitHub OIDC token available to assume ${values['role-to-assume']}.`, {
            hint: 'Inside GitHub Actions the job needs\npermissions:\n  id-token: write\nElsewhere pass --web-identity-token-file, or drop --role-to-assume to use your AWS profile.',
        });
    }
    let result;
    try {
        ({ published: result } = await runPublishStage({
            zipPath: layer.zipPath,
            codeSha256,
            runtime: layer.runtime,
            architecture: layer.architecture,
            requirementsHash: layer.requirementsHash,
        }, {
            layerName,
            regions,
            s3Bucket: values['s3-bucket'],
            licenseInfo: values['license-info'],
            grant: { accountIds: values['grant-account'], organizationId: values['grant-org'] },
            keep: (0,inputs/* parseInteger */.cG)('keep', values.keep),
            directUploadLimit: (0,inputs/* parseInteger */.cG)('direct-upload-limit', values['direct-upload-limit']),
            descriptionText: values.description,
        }, {
            roleToAssume: values['role-to-assume'],
            audience: values.audience,
            roleSessionName: values['role-session-name'],
            durationSeconds: (0,inputs/* parseInteger */.cG)('role-duration-seconds', values['role-duration-seconds']),
        }, {
            // Nothing here prints a secret; the CLI has no runner log to mask in (the action passes core.setSecret).
            getIdToken,
            env: io.env,
            commit: values.commit ?? io.env.GITHUB_SHA,
            runId: io.env.GITHUB_RUN_ID
                ? `${io.env.GITHUB_RUN_ID}-${io.env.GITHUB_RUN_ATTEMPT ?? '1'}`
                : undefined,
        }, io.log));
    }
    catch (error) {
        if (error instanceof PublishError) {
            if (values.json)
                io.stdout.write(`${JSON.stringify(error.result, null, 2)}\n`);
            else
                io.log.info(publishSummary(error.result));
        }
        throw error;
    }
    if (values.json)
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    io.log.info(`Layer "${layerName}":\n${publishSummary(result)}`);
    return 0;
}
const publishCommand = {
    usage,
    run,
};


/***/ })

};
