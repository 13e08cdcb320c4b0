export const id = 739;
export const ids = [739];
export const modules = {

/***/ 8739:
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
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-lambda/dist-cjs/index.js
var dist_cjs = __webpack_require__(1696);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/target.ts
var src_target = __webpack_require__(6746);
// EXTERNAL MODULE: ./src/aws/aws-errors.ts
var aws_errors = __webpack_require__(8098);
// EXTERNAL MODULE: ./src/aws/clients.ts
var aws_clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
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
/**
 * "lambda-layer 0.1.0 req:… commit:… repo:OWNER/REPO run:ID code:…": with only a layer ARN,
 * GetLayerVersion gives this text, the zip (Content.Location) and its CodeSha256, so anyone can
 * find the run and commit that built it and check the zip against its attestation. Lambda
 * allows 256 characters: with GitHub's longest names (owner 39, repository 100 characters) the
 * facts take 243, so they always fit; the user's own text gets what is left.
 */
function layerDescription(parts) {
    const facts = [
        `${version/* TOOL_NAME */.l} ${version/* TOOL_VERSION */.w}`,
        parts.requirementsHash ? `req:${parts.requirementsHash.slice(0, 16)}` : undefined,
        parts.commit ? `commit:${parts.commit.slice(0, 12)}` : undefined,
        parts.repository ? `repo:${parts.repository}` : undefined,
        parts.runId ? `run:${parts.runId}` : undefined,
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
// EXTERNAL MODULE: ./src/aws/credentials.ts + 2 modules
var aws_credentials = __webpack_require__(3002);
;// CONCATENATED MODULE: ./src/pipeline/publish-stage.ts
/**
 * Credentials, then publish (or reuse) the layer in every region: the one orchestration that
 * `lambda-layer publish` and the action's job both run, so they ask STS and describe versions
 * alike.
 */



async function runPublishStage(layer, publish, credentialsConfig, deps, log) {
    const credentials = await log.group('AWS credentials', () => (0,aws_credentials/* resolveCredentials */.z8)({
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
            // In a workflow run: where to find the run (and its attestations) from the layer alone.
            repository: deps.env.GITHUB_REPOSITORY || undefined,
            runId: deps.env.GITHUB_RUN_ID || undefined,
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

// EXTERNAL MODULE: ./src/cli/choices.ts
var choices = __webpack_require__(5842);
// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
// EXTERNAL MODULE: ./src/cli/region.ts
var region = __webpack_require__(8680);
// EXTERNAL MODULE: ./src/cli/role-flags.ts
var role_flags = __webpack_require__(1698);
;// CONCATENATED MODULE: ./src/cli/publish.ts
/** `lambda-layer publish`: publish a built layer to one or more regions, reusing an identical version. */













const usage = `Usage: ${version/* TOOL_NAME */.l} publish <DIR|layer.zip> --layer-name NAME [options]

Publish a layer zip as a Lambda layer version in each region. When a version with the same
CodeSha256 (byte-identical zip) exists, it is reused instead of publishing a duplicate.
DIR is a build output directory (layer.zip + manifest.json: runtime, architecture and
requirements hash come from the manifest).

Options:
  --layer-name NAME              layer name (1-140 letters, digits, - and _)
  --region R                     region to publish to (repeatable; default: AWS_REGION, else AWS_DEFAULT_REGION)
  --s3-bucket B                  stage the zip in this bucket (must be in each region; "{region}" is replaced);
                                 needed for zips over the 50 MB direct-upload limit
${(0,role_flags/* roleFlagsUsage */.N9)(33)}
  --runtime NAME                 compatible runtime when publishing a bare zip (default: ${src_target/* DEFAULT_RUNTIME */.JA}):
                                 ${(0,choices/* runtimeChoices */.r)()}
  --arch ARCH                    compatible architecture for a bare zip: ${choices/* ARCH_CHOICES */.I} (default: ${src_target/* DEFAULT_ARCHITECTURE */.Qz})
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
        ...role_flags/* ROLE_FLAGS */.Zo,
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
    const regions = (0,region/* regionsFrom */.S)(values.region, io.env);
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
    const getIdToken = (0,role_flags/* idTokenSourceFromFlags */.X4)(values, io);
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
        }, (0,role_flags/* credentialsFromFlags */.w3)(values), {
            // Nothing here prints a secret; the CLI has no runner log to mask in (the action passes core.setSecret).
            getIdToken,
            env: io.env,
            commit: values.commit ?? io.env.GITHUB_SHA,
            runId: (0,role_flags/* runIdFromEnv */.Wx)(io.env),
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
