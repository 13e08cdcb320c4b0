export const id = 591;
export const ids = [591];
export const modules = {

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

/***/ 2591:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployCommand: () => (/* binding */ deployCommand)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./src/aws/validation.ts
var validation = __webpack_require__(838);
// EXTERNAL MODULE: ./src/process.ts
var src_process = __webpack_require__(4006);
;// CONCATENATED MODULE: ./src/deploy/args.ts
/**
 * `deploy-args` arrives as one string (an action input); it becomes an argv array with
 * shell-like quoting but no shell: nothing is expanded, substituted or executed.
 */

/**
 * Splits `text` into arguments: whitespace separates; '...' keeps everything literally;
 * "..." keeps everything but lets \" and \\ escape; a backslash outside quotes escapes the next
 * character. An unterminated quote is an InputError naming `inputName`.
 */
function splitArgs(text, inputName = 'deploy-args') {
    const args = [];
    let current = '';
    let inArg = false;
    let quote;
    for (let i = 0; i < text.length; i++) {
        const char = text.charAt(i);
        if (quote === "'") {
            if (char === "'")
                quote = undefined;
            else
                current += char;
            continue;
        }
        if (quote === '"') {
            if (char === '"')
                quote = undefined;
            else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\'))
                current += text.charAt(++i);
            else
                current += char;
            continue;
        }
        if (/\s/.test(char)) {
            if (inArg)
                args.push(current);
            current = '';
            inArg = false;
            continue;
        }
        inArg = true;
        if (char === "'" || char === '"')
            quote = char;
        else if (char === '\\' && i + 1 < text.length)
            current += text.charAt(++i);
        else
            current += char;
    }
    if (quote)
        throw new errors/* InputError */.dz(inputName, `unterminated ${quote} quote in: ${text}`);
    if (inArg)
        args.push(current);
    return args;
}
/** Options the deploy sets itself: passing them again would deploy somewhere else than reported. */
const RESERVED = {
    '--stage': 'stage',
    '-s': 'stage',
    '--region': 'region',
    '-r': 'region',
};
/** Rejects extra arguments that would contradict the stage, region or layer ARN the deploy reports. */
function checkDeployArgs(args, inputName = 'deploy-args') {
    for (const arg of args) {
        const flag = arg.split('=')[0] ?? arg;
        const owner = RESERVED[flag];
        if (owner) {
            throw new errors/* InputError */.dz(inputName, `"${arg}" sets the ${owner}; use the ${owner} input instead`);
        }
    }
    for (let i = 0; i < args.length; i++) {
        const value = args[i] === '--param' ? args[i + 1] : args[i]?.startsWith('--param=') ? args[i]?.slice(8) : undefined;
        if (value?.replace(/^["']/, '').startsWith('layerArn=')) {
            throw new errors/* InputError */.dz(inputName, `"${value}" would replace the layer ARN this run publishes`, {
                hint: 'remove it: the deploy passes --param layerArn=<the published layer version>',
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/deploy/serverless-output.ts
/**
 * Reads what Serverless Framework v3 (and osls 3) print: the service outputs after a deploy or
 * `info` (written by lib/cli/write-service-outputs.js as "section: value" or "section:\n  item"),
 * the "Stack Outputs" section of `--verbose`, and the "Error:" block of a failure.
 */

/** "Key: Value" lines of the "Stack Outputs:" section (`serverless info --verbose`). */
function parseStackOutputs(output) {
    const outputs = {};
    const lines = (0,src_process/* stripAnsi */.a)(output).split(/\r?\n/);
    const start = lines.findIndex((line) => line.trim() === 'Stack Outputs:');
    if (start < 0)
        return outputs;
    for (const line of lines.slice(start + 1)) {
        const match = /^\s+([A-Za-z0-9]+):\s+(\S.*)$/.exec(line);
        if (!match?.[1] || !match[2])
            break;
        outputs[match[1]] = match[2].trim();
    }
    return outputs;
}
/** The items of the `endpoint:` line or the `endpoints:` section ("METHOD - URL" or a URL). */
function parseEndpoints(output) {
    const lines = (0,src_process/* stripAnsi */.a)(output).split(/\r?\n/);
    const items = [];
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        const single = /^endpoint:\s+(\S.*)$/.exec(line);
        if (single?.[1])
            items.push(single[1]);
        if (line.trim() === 'endpoints:' && /^endpoints:/.test(line)) {
            for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j] ?? ''); j++)
                items.push((lines[j] ?? '').trim());
        }
    }
    const entries = [];
    for (const item of items) {
        const withMethod = /^([A-Z]+) - (\S+)$/.exec(item);
        if (withMethod?.[1] && withMethod[2]) {
            entries.push({ method: withMethod[1], url: withMethod[2] });
            continue;
        }
        // "name: https://..." (several function URLs) or a bare URL.
        const url = /(https?|wss?):\/\/\S+/.exec(item)?.[0];
        if (url)
            entries.push({ url });
    }
    return entries;
}
/** The base of an endpoint URL: path templates ("{proxy+}", "{id}") and what follows are cut. */
function baseOf(url) {
    const cut = url.indexOf('{');
    const base = cut >= 0 ? url.slice(0, cut) : url;
    return base.replace(/\/+$/, '');
}
/**
 * The HTTP endpoint of the service, most reliable source first: the stack outputs HttpApiUrl
 * (HTTP API) or ServiceEndpoint (REST API, includes the stage), else the shortest http(s) URL of
 * the endpoint lines (with a catch-all httpApi that is the API's base URL).
 */
function chooseEndpoint(outputs, endpoints) {
    const fromStack = outputs.HttpApiUrl ?? outputs.ServiceEndpoint;
    if (fromStack && /^https?:\/\//.test(fromStack))
        return fromStack.replace(/\/+$/, '');
    const urls = endpoints
        .map((entry) => baseOf(entry.url))
        .filter((url) => /^https?:\/\//.test(url))
        .sort((a, b) => a.length - b.length);
    return urls[0];
}
/** Lines that end Serverless's error block (its footer) or belong to its progress output. */
const FOOTER = /^(Environment|Docs|Support|Bugs|Credentials):\s/;
/**
 * The text of Serverless's "Error:" block (the last one when several were printed), else the
 * last lines of the output, for the failure message.
 */
function serverlessErrorText(output, fallbackLines = 20) {
    const lines = (0,src_process/* stripAnsi */.a)(output).split(/\r?\n/);
    let start = -1;
    for (let i = lines.length - 1; i >= 0; i--) {
        if (/^\s*(\S+ )?Error:\s*$/.test(lines[i] ?? '') || /^\s*Error: \S/.test(lines[i] ?? '')) {
            start = i;
            break;
        }
    }
    if (start >= 0) {
        const first = (lines[start] ?? '').trim();
        const inline = first.replace(/^(\S+ )?Error:\s*/, '');
        const block = inline ? [inline] : [];
        for (const line of lines.slice(start + 1)) {
            if (FOOTER.test(line) || /^\s*[×✖]\s/.test(line))
                break;
            if (!line.trim() && block.length > 0)
                break;
            if (line.trim())
                block.push(line.trimEnd());
        }
        if (block.length > 0)
            return block.join('\n');
    }
    return lines
        .filter((line) => line.trim())
        .slice(-fallbackLines)
        .join('\n');
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/deploy/serverless-package.ts
/**
 * Which Serverless Framework CLI runs the deploy, and where its binary comes from.
 *
 * Serverless Inc. no longer maintains v3 (v4 needs a Serverless account and licence key);
 * `osls` is the community continuation of v3 maintained by the Bref maintainers. Its 3.x line
 * is the drop-in replacement that accepts `frameworkVersion: '3'`; osls 4.x rejects a
 * `frameworkVersion: '3'` service ("does not satisfy the frameworkVersion"), so plain `osls`
 * means `osls@3` here.
 */






/** The last Serverless Framework v3 release (v3 is frozen), pinned for reproducible deploys. */
const DEFAULT_SERVERLESS_SPEC = 'serverless@3.40.0';
/** osls 3.x: bug and security fixes keep coming on this line, so a range rather than a pin. */
const OSLS_SPEC = 'osls@3';
const RANGE = /^[0-9xX*^~<>=.| -]+$/;
/**
 * `serverless-package` input -> npm spec. Accepts `serverless@3` (the default), `osls`,
 * `serverless@<range>`, `osls@<range>`, or a bare version range meaning the serverless package.
 */
function resolveServerlessPackage(input, inputName = 'serverless-package') {
    const value = (input ?? '').trim();
    if (value === '' || value === 'serverless' || value === 'serverless@3') {
        return { name: 'serverless', spec: DEFAULT_SERVERLESS_SPEC };
    }
    if (value === 'osls' || value === 'osls@3')
        return { name: 'osls', spec: OSLS_SPEC };
    const match = /^(serverless|osls)@(.+)$/.exec(value);
    if (match?.[2] && RANGE.test(match[2])) {
        return { name: match[1], spec: `${match[1]}@${match[2].trim()}` };
    }
    if (RANGE.test(value) && /\d/.test(value))
        return { name: 'serverless', spec: `serverless@${value}` };
    throw new errors/* InputError */.dz(inputName, `"${value}" is not a Serverless Framework package`, {
        hint: 'use serverless@3 (default), osls (the maintained v3 continuation), or a version such as 3.40.0',
    });
}
async function packageOfBinary(bin) {
    try {
        // node_modules/.bin/serverless -> ../<package>/bin/serverless.js
        let dir = (0,external_node_path_.dirname)(await (0,promises_.realpath)(bin));
        for (let i = 0; i < 4; i++) {
            const manifest = (0,external_node_path_.join)(dir, 'package.json');
            if ((0,external_node_fs_.existsSync)(manifest)) {
                const parsed = JSON.parse(await (0,promises_.readFile)(manifest, 'utf8'));
                if (parsed.name)
                    return { name: parsed.name, version: parsed.version ?? 'unknown' };
            }
            dir = (0,external_node_path_.dirname)(dir);
        }
    }
    catch {
        // Broken symlink or unreadable manifest: treated as absent.
    }
    return undefined;
}
/** The service's own `node_modules/.bin/serverless`, when its package manager installed one. */
async function serviceServerless(servicePath) {
    const bin = (0,external_node_path_.join)(servicePath, 'node_modules', '.bin', 'serverless');
    if (!(0,external_node_fs_.existsSync)(bin))
        return undefined;
    const owner = await packageOfBinary(bin);
    if (!owner)
        return undefined;
    return { path: bin, packageName: owner.name, version: owner.version, source: 'service' };
}
/** Where a chosen package is installed when the service brings none: the runner's tool cache or ~/.cache. */
function defaultToolDir(spec, env = process.env) {
    const safe = spec.replace(/[^A-Za-z0-9@.^~_-]+/g, '_');
    if (env.RUNNER_TOOL_CACHE)
        return (0,external_node_path_.join)(env.RUNNER_TOOL_CACHE, 'lambda-layer-serverless', safe);
    const cacheHome = env.XDG_CACHE_HOME || (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.cache');
    return (0,external_node_path_.join)(cacheHome, 'lambda-layer', 'serverless', safe);
}
const MARKER = '.lambda-layer-installed';
/**
 * Installs `pkg` from the npm registry into `toolDir` (npm install --prefix), unless a previous
 * run already did; returns its binary. Bounded by `timeoutMs`, npm's process group killed on expiry.
 */
async function installServerless(pkg, toolDir, options) {
    const bin = (0,external_node_path_.join)(toolDir, 'node_modules', '.bin', 'serverless');
    const marker = (0,external_node_path_.join)(toolDir, MARKER);
    const installedSpec = (0,external_node_fs_.existsSync)(marker) ? (await (0,promises_.readFile)(marker, 'utf8')).trim() : undefined;
    if (installedSpec !== pkg.spec || !(0,external_node_fs_.existsSync)(bin)) {
        await (0,promises_.mkdir)(toolDir, { recursive: true });
        options.log.info(`Installing ${pkg.spec} from the npm registry into ${toolDir}`);
        const args = ['install', '--prefix', toolDir, '--no-audit', '--no-fund', '--loglevel=error', pkg.spec];
        let result;
        try {
            result = await (0,src_process/* runProcess */.R)('npm', args, {
                env: options.env ?? process.env,
                timeoutMs: options.timeoutMs,
                onLine: (line) => {
                    if (line.trim())
                        options.log.debug(`npm: ${line}`);
                },
            });
        }
        catch (error) {
            throw new errors/* UserError */.yo(`cannot run npm to install ${pkg.spec}: ${error.message}`, {
                hint: 'put npm on PATH (it ships with Node.js), or add serverless to the service devDependencies',
                cause: error,
            });
        }
        if (result.timedOut || result.code !== 0 || !(0,external_node_fs_.existsSync)(bin)) {
            const why = result.timedOut
                ? `did not finish within ${options.timeoutMs / 1000} s`
                : `failed (exit code ${result.code ?? result.signal})`;
            throw new errors/* UserError */.yo(`npm install ${pkg.spec} ${why}:\n${result.output.trim().split('\n').slice(-15).join('\n')}`, {
                hint: 'check the npm registry is reachable, or add serverless to the service devDependencies',
            });
        }
        await (0,promises_.writeFile)(marker, `${pkg.spec}\n`);
    }
    const owner = await packageOfBinary(bin);
    return {
        path: bin,
        packageName: owner?.name ?? pkg.name,
        version: owner?.version ?? 'unknown',
        source: 'installed',
    };
}
/**
 * The Serverless binary for `servicePath`: the service's own (its lockfile pins it) when no
 * package was chosen or the chosen package is the one the service installed; otherwise the
 * chosen package, installed into `toolDir`.
 */
async function locateServerless(options) {
    const chosen = options.serverlessPackage?.trim()
        ? resolveServerlessPackage(options.serverlessPackage)
        : undefined;
    const own = await serviceServerless(options.servicePath);
    if (own && (!chosen || chosen.name === own.packageName)) {
        options.log.info(`Using the service's own ${own.packageName} ${own.version} (${own.path})`);
        return own;
    }
    const pkg = chosen ?? resolveServerlessPackage();
    const toolDir = options.toolDir ?? defaultToolDir(pkg.spec, options.env);
    const installed = await installServerless(pkg, toolDir, {
        timeoutMs: options.installTimeoutMs,
        env: options.env,
        log: options.log,
    });
    options.log.info(`Using ${installed.packageName} ${installed.version} (${installed.path})`);
    return installed;
}

;// CONCATENATED MODULE: ./src/deploy/serverless.ts
/**
 * Deploy stage: `serverless deploy --stage S --region R --param layerArn=ARN` in the service
 * directory, then the service's HTTP endpoint. The service's serverless.yml attaches the layer
 * with `layers: ['${param:layerArn}']`; LAYER_ARN is also in the child's environment for
 * `${env:LAYER_ARN}`. Credentials are only ever in the child's environment.
 */









const DEFAULT_DEPLOY_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_INSTALL_TIMEOUT_MS = 5 * 60_000;
const INFO_TIMEOUT_MS = 3 * 60_000;
const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/;
const SERVICE_FILES = [
    'serverless.yml',
    'serverless.yaml',
    'serverless.ts',
    'serverless.js',
    'serverless.json',
];
/**
 * Variables that keep Serverless v3 quiet and non-interactive in CI: no telemetry, no update
 * notices, no auto-update, no interactive onboarding.
 */
function serverlessChildEnv(base, layerArn) {
    return {
        ...base,
        LAYER_ARN: layerArn,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_TRACKING_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_DISABLE_AUTO_UPDATE: '1',
        SLS_INTERACTIVE_SETUP_DISABLE: '1',
        CI: base.CI ?? 'true',
    };
}
function checkOptions(options) {
    if (!LAYER_ARN.test(options.layerArn)) {
        throw new errors/* InputError */.dz('layer-arn', `"${options.layerArn}" is not a Lambda layer version ARN`, {
            hint: 'expected arn:aws:lambda:<region>:<account>:layer:<name>:<version>',
        });
    }
    if (!options.stage.trim())
        throw new errors/* InputError */.dz('stage', 'is empty');
    (0,validation/* validateRegion */.jq)(options.region);
    const layerRegion = options.layerArn.split(':')[3];
    if (layerRegion !== options.region) {
        throw new errors/* InputError */.dz('layer-arn', `${options.layerArn} is in ${layerRegion}, but the deploy goes to ${options.region}`, {
            hint: 'a function can only use layer versions of its own region: publish the layer to that region too',
        });
    }
    const serviceFile = SERVICE_FILES.find((name) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(options.servicePath, name)));
    if (!serviceFile) {
        throw new errors/* InputError */.dz('service-path', `${options.servicePath} has no ${SERVICE_FILES.join(' / ')}`, {
            hint: 'point service-path at the directory of your serverless.yml',
        });
    }
    return { serviceFile };
}
/** Warns when the service file never reads the layer ARN: the deploy would not attach the new layer. */
async function warnIfLayerUnused(servicePath, serviceFile, log) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(servicePath, serviceFile), 'utf8').catch(() => '');
    if (!/param:layerArn|LAYER_ARN/.test(text)) {
        log.warn(`${serviceFile} does not mention \${param:layerArn} or LAYER_ARN: the new layer will not be attached. ` +
            `Add \`layers: ['\${param:layerArn}']\` to the function.`, { file: (0,external_node_path_.join)(servicePath, serviceFile) });
    }
}
/**
 * Plugins (serverless-wsgi, ...) load from the service's node_modules. A fresh checkout has
 * none: with a lockfile, install exactly what it pins (`npm ci`); without one, say so rather
 * than write a lockfile into the user's repository.
 */
async function ensureServiceModules(servicePath, timeoutMs, log) {
    if (!(0,external_node_fs_.existsSync)((0,external_node_path_.join)(servicePath, 'package.json')) || (0,external_node_fs_.existsSync)((0,external_node_path_.join)(servicePath, 'node_modules')))
        return;
    const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(servicePath, f)));
    if (!lockfile) {
        log.warn(`${servicePath} has a package.json but no node_modules and no lockfile: Serverless loads plugins from there. ` +
            `Run \`npm install\` in it before deploying (npm install --prefix ${servicePath}).`);
        return;
    }
    log.info(`Installing the service's npm packages from its ${lockfile}: npm ci`);
    // npm gets the job's environment, never the deploy credentials.
    const result = await (0,src_process/* runProcess */.R)('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: servicePath,
        timeoutMs,
        onLine: (line) => log.info(`  ${line}`),
    });
    if (result.timedOut || result.code !== 0) {
        throw new errors/* UserError */.yo(`npm ci in ${servicePath} ${result.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `failed (exit code ${result.code})`}:\n${serverlessErrorText(result.output, 10)}`, {
            hint: `run npm ci in ${servicePath} yourself to see the whole error, or commit a lockfile that installs`,
        });
    }
}
function layerNote(layerArn) {
    return `The layer version ${layerArn} stays published: a re-run reuses it (same CodeSha256) instead of publishing another.`;
}
function failure(command, result, options, timeoutMs) {
    const why = result.timedOut
        ? `did not finish within ${timeoutMs / 1000} s and was stopped`
        : `failed (exit code ${result.code ?? result.signal})`;
    return new errors/* UserError */.yo(`${command} ${why} for stage ${options.stage} in ${options.region}:\n${serverlessErrorText(result.output)}\n${layerNote(options.layerArn)}`, { hint: 'fix the Serverless error above and re-run; the layer is not rebuilt or republished' });
}
/** `serverless info --verbose`: its stack outputs name the API URL even when deploy's summary did not. */
async function stackOutputsFromInfo(bin, common, options, env, log) {
    try {
        const info = await (0,src_process/* runProcess */.R)(bin, ['info', '--verbose', ...common], {
            cwd: options.servicePath,
            env,
            timeoutMs: INFO_TIMEOUT_MS,
            onLine: (line) => log.debug(`serverless info: ${line}`),
        });
        if (info.code === 0)
            return parseStackOutputs(info.output);
        log.warn(`serverless info failed; the endpoint comes from the deploy summary:\n${serverlessErrorText(info.output, 5)}`);
    }
    catch (error) {
        log.warn(`serverless info could not run: ${error.message}`);
    }
    return {};
}
/** Deploys the service with the layer ARN and returns its HTTP endpoint. Throws UserError on failure. */
async function deployService(options, log) {
    const servicePath = (0,external_node_path_.resolve)(options.servicePath);
    const { serviceFile } = checkOptions({ ...options, servicePath });
    const extra = typeof options.deployArgs === 'string' ? splitArgs(options.deployArgs) : [...(options.deployArgs ?? [])];
    checkDeployArgs(extra);
    await warnIfLayerUnused(servicePath, serviceFile, log);
    await ensureServiceModules(servicePath, options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS, log);
    const binary = await locateServerless({
        servicePath,
        serverlessPackage: options.serverlessPackage,
        toolDir: options.toolDir,
        installTimeoutMs: options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS,
        log,
    });
    const env = serverlessChildEnv(options.env ?? process.env, options.layerArn);
    const common = [
        '--stage',
        options.stage,
        '--region',
        options.region,
        '--param',
        `layerArn=${options.layerArn}`,
    ];
    const timeoutMs = options.timeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;
    const title = `serverless deploy (stage ${options.stage}, ${options.region}, layer ${options.layerArn})`;
    const result = await log.group(title, async () => {
        try {
            return await (0,src_process/* runProcess */.R)(binary.path, ['deploy', ...common, ...extra], {
                cwd: servicePath,
                env,
                timeoutMs,
                onLine: (line) => log.info(line),
            });
        }
        catch (error) {
            throw new errors/* UserError */.yo(`cannot run ${binary.path}: ${error.message}\n${layerNote(options.layerArn)}`, {
                cause: error,
            });
        }
    });
    if (result.timedOut || result.code !== 0)
        throw failure('serverless deploy', result, options, timeoutMs);
    let outputs = parseStackOutputs(result.output);
    if (!outputs.HttpApiUrl && !outputs.ServiceEndpoint) {
        outputs = await stackOutputsFromInfo(binary.path, common, { ...options, servicePath }, env, log);
    }
    const endpoint = chooseEndpoint(outputs, parseEndpoints(result.output));
    log.info(endpoint ? `Endpoint: ${endpoint}` : 'The service has no HTTP endpoint.');
    return {
        endpoint,
        output: result.output,
        serverless: { packageName: binary.packageName, version: binary.version, source: binary.source },
        durationMs: result.durationMs,
    };
}

;// CONCATENATED MODULE: ./src/deploy/smoke-test.ts
const SNIPPET = 500;
/** The endpoint joined with the path, without doubled or missing slashes. */
function smokeTestUrl(endpoint, path = '/') {
    const base = endpoint.replace(/\/+$/, '');
    const tail = path.startsWith('/') ? path : `/${path}`;
    return `${base}${tail}`;
}
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
async function attempt(url, expectText, timeoutMs) {
    try {
        const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
        const body = await response.text();
        if (response.status < 200 || response.status > 299) {
            // 4xx other than 429 is the app's answer, not a warm-up: no point retrying.
            const retry = response.status >= 500 || response.status === 429;
            return { status: response.status, ok: false, body, reason: `HTTP ${response.status}`, retry };
        }
        if (expectText !== undefined && !body.includes(expectText)) {
            return {
                status: response.status,
                ok: false,
                body,
                reason: `body does not contain "${expectText}"`,
                retry: true,
            };
        }
        return { status: response.status, ok: true, body, retry: false };
    }
    catch (error) {
        const cause = error.cause;
        const message = cause?.code ?? cause?.message ?? error.message;
        return { status: 0, ok: false, body: String(message), reason: `no response: ${message}`, retry: true };
    }
}
/** GETs `endpoint` + `path` until a 2xx (containing `expectText`, when given) or attempts run out. */
async function smokeTest(endpoint, options = {}) {
    const url = smokeTestUrl(endpoint, options.path);
    const attempts = Math.max(1, options.attempts ?? 5);
    const delayMs = options.delayMs ?? 3000;
    const timeoutMs = options.timeoutMs ?? 10_000;
    let last = { status: 0, ok: false, body: '', retry: true };
    let made = 0;
    for (let i = 1; i <= attempts; i++) {
        made = i;
        last = await attempt(url, options.expectText, timeoutMs);
        options.log?.info(`Smoke test ${i}/${attempts}: GET ${url} -> ${last.ok ? `${last.status} ok` : last.reason}`);
        if (last.ok || !last.retry)
            break;
        if (i < attempts)
            await sleep(delayMs);
    }
    return {
        url,
        status: last.status,
        ok: last.ok,
        attempts: made,
        bodySnippet: last.body.slice(0, SNIPPET),
        ...(last.ok ? {} : { reason: last.reason }),
    };
}

;// CONCATENATED MODULE: ./src/deploy/index.ts
/**
 * The deploy stage as the action and the CLI call it: deploy with the layer ARN, then (when a
 * smoke-test path is set) GET the endpoint. A failed smoke test is a UserError after the deploy
 * succeeded, so the message says the deploy itself went through.
 */



/** A smoke test that failed after a successful deploy; `result` still has the endpoint for outputs. */
class SmokeTestError extends errors/* UserError */.yo {
    result;
    constructor(message, result, hint) {
        super(message, { hint });
        this.name = 'SmokeTestError';
        this.result = result;
    }
}
async function runDeployStage(options, log) {
    const deploy = await deployService(options, log);
    if (options.smokeTestPath === undefined)
        return { endpoint: deploy.endpoint, deploy };
    if (!deploy.endpoint) {
        log.warn('the service has no HTTP endpoint: the smoke test was skipped');
        return { deploy };
    }
    const result = await smokeTest(deploy.endpoint, {
        ...options.smokeTest,
        path: options.smokeTestPath,
        expectText: options.expectText,
        log,
    });
    const stage = { endpoint: deploy.endpoint, deploy, smokeTest: result };
    if (!result.ok) {
        throw new SmokeTestError(`the deploy succeeded but the smoke test failed after ${result.attempts} attempt(s): GET ${result.url} -> ${result.reason}` +
            (result.bodySnippet ? `\n${result.bodySnippet}` : ''), stage, `check the function's logs: serverless logs --function <name> --stage ${options.stage} --region ${options.region}`);
    }
    return stage;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./src/version.ts + 1 modules
var version = __webpack_require__(1013);
// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
;// CONCATENATED MODULE: ./src/cli/deploy.ts
/** `lambda-layer deploy`: serverless deploy with a layer ARN, then an optional smoke test. */





const usage = `Usage: ${version/* TOOL_NAME */.l} deploy --layer-arn ARN [options]

Run \`serverless deploy --stage S --region R --param layerArn=ARN\` in a Serverless Framework v3
service (its serverless.yml attaches the layer with \`layers: ['\${param:layerArn}']\`), then
GET its HTTP endpoint. AWS credentials come from the environment (profile, keys, SSO).

Options:
  --layer-arn ARN             the layer version to attach (required)
  --service-path DIR          directory of serverless.yml (default: .)
  --stage NAME                stage (default: dev)
  --region NAME               AWS region (default: $AWS_REGION, else us-east-1)
  --serverless-package PKG    serverless@3 (default; the service's own node_modules/.bin/serverless
                              when it has one) | osls (the maintained community continuation of v3)
                              | a version such as 3.40.0
  --deploy-args "ARGS"        extra serverless deploy arguments (shell-like quoting, no shell)
  --timeout SECONDS           bound for serverless deploy (default: 1800)
  --smoke-test-path PATH      GET this path of the endpoint after the deploy, expecting a 2xx
  --expect-text TEXT          the smoke test also expects this text in the body
  --json                      print {endpoint, smokeTest} as JSON on stdout
  --verbose                   show debug output`;
function report(io, result, json) {
    const smoke = result.smokeTest;
    if (json) {
        io.stdout.write(`${JSON.stringify({ endpoint: result.endpoint ?? null, smokeTest: smoke ?? null }, null, 2)}\n`);
        return;
    }
    const { packageName, version } = result.deploy.serverless;
    io.stdout.write(`Deployed with ${packageName} ${version}\n`);
    if (result.endpoint)
        io.stdout.write(`endpoint: ${result.endpoint}\n`);
    if (smoke)
        io.stdout.write(`smoke test: GET ${smoke.url} -> ${smoke.status} ${smoke.ok ? 'ok' : 'FAILED'}\n`);
}
async function run(argv, io) {
    const { values } = (0,parse/* parseCommandArgs */.Q)(argv, {
        'layer-arn': { type: 'string' },
        'service-path': { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        'serverless-package': { type: 'string' },
        'deploy-args': { type: 'string' },
        timeout: { type: 'string' },
        'smoke-test-path': { type: 'string' },
        'expect-text': { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
    });
    const layerArn = values['layer-arn'];
    if (!layerArn)
        throw new parse/* UsageError */.e('--layer-arn is required');
    try {
        const result = await runDeployStage({
            servicePath: (0,external_node_path_.resolve)(io.cwd, values['service-path'] ?? '.'),
            stage: values.stage ?? 'dev',
            region: values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1',
            layerArn,
            serverlessPackage: values['serverless-package'],
            deployArgs: values['deploy-args'] ?? '',
            env: io.env,
            timeoutMs: (0,inputs/* parseSecondsAsMs */.vZ)('timeout', values.timeout),
            smokeTestPath: values['smoke-test-path'],
            expectText: values['expect-text'],
        }, io.log);
        report(io, result, values.json);
        return 0;
    }
    catch (error) {
        // The deploy went through: still print the endpoint, then fail.
        if (error instanceof SmokeTestError)
            report(io, error.result, values.json);
        throw error;
    }
}
const deployCommand = {
    usage,
    run,
};


/***/ })

};
