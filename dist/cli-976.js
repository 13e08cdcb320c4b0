export const id = 976;
export const ids = [976];
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

/***/ 2976:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_BRANCH: () => (/* binding */ DEFAULT_BRANCH),
  DEFAULT_STAGE: () => (/* binding */ DEFAULT_STAGE),
  TEMPLATE_FILE: () => (/* binding */ TEMPLATE_FILE),
  awsCommand: () => (/* binding */ awsCommand),
  initCommand: () => (/* binding */ initCommand)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/aws/validation.ts
var validation = __webpack_require__(838);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/target.ts
var src_target = __webpack_require__(6746);
;// CONCATENATED MODULE: ./src/init/caller-workflows.ts
/**
 * The two workflows a service's repository needs, written by `lambda-layer init` and kept as the
 * ready-to-copy examples in workflows/ (test/init/caller-workflows.test.ts checks those files
 * are this text for the example service): the one home of what a caller workflow says.
 */

/** The reusable workflow every caller uses (the contract: lambda-python-layer@v1). */
const REUSABLE_WORKFLOW = 'lambda-python-layer/lambda-python-layer/.github/workflows/lambda-layer.yml@v1';
/** A YAML scalar: plain when it is unambiguous, else double-quoted (JSON strings are YAML). */
function scalar(value) {
    return /^[A-Za-z0-9_./<>-][A-Za-z0-9_./:<>@-]*$/.test(value) &&
        !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
        ? value
        : JSON.stringify(value);
}
const HEADER = `# \`lambda-layer init\` writes this file into .github/workflows/ (or copy it there). The two roles
# come from aws/github-roles.yml (docs/iam.md of lambda-python-layer).`;
function deployWorkflow(s) {
    const arch = s.architecture === 'x86_64'
        ? ''
        : `      architectures: '["${s.architecture}"]'\n      deploy-architecture: ${s.architecture}\n`;
    return `${HEADER}
# On every push to ${s.branch}: build the layer for Lambda, publish it (or reuse the identical
# version), deploy the service with the new layer ARN, and GET the endpoint.
name: Deploy

on:
  push:
    branches: [${scalar(s.branch)}]

jobs:
  deploy:
    uses: ${REUSABLE_WORKFLOW}
    # OIDC: the reusable workflow asks GitHub for a token, so the caller must grant it.
    permissions:
      id-token: write
      contents: read
      # The reusable workflow attests layer.zip and its SBOM (artifact attestations).
      attestations: write
    with:
      requirements: ${scalar(s.requirements)}
      runtime: ${scalar(s.runtime)}
${arch}      layer-name: ${scalar(s.layerName)}
      aws-region: ${scalar(s.region)}
      role-to-assume: ${scalar(s.publishRoleArn)}
      deploy-role-to-assume: ${scalar(s.deployRoleArn)}
      service-path: ${scalar(s.servicePath)}
      stage: ${scalar(s.stage)}
`;
}
function rebuildWorkflow(s) {
    const runtimes = src_target/* RUNTIMES */.aC.filter((r) => (0,src_target/* runtimeStatus */.$t)(r, s.asOf) === 'supported').map((r) => r.runtime);
    if (!runtimes.includes(s.runtime))
        runtimes.unshift(s.runtime);
    return `${HEADER}
# Manual rebuild from the Actions tab: pick runtime, architecture and stage; force-rebuild ignores
# the cache (e.g. to pick up new releases of unpinned requirements).
name: Rebuild layer

on:
  workflow_dispatch:
    inputs:
      force-rebuild:
        description: Ignore the layer cache
        type: boolean
        default: true
      runtime:
        description: Lambda runtime
        type: choice
        options: [${runtimes.join(', ')}]
        default: ${scalar(s.runtime)}
      architecture:
        description: Lambda architecture
        type: choice
        options: [x86_64, arm64]
        default: ${s.architecture}
      arm64-native-runner:
        description: Build an arm64 layer on an arm64 runner (import proof on the real CPU)
        type: boolean
        default: false
      stage:
        description: Serverless stage to deploy (the deploy role of aws/github-roles.yml allows ${s.stage})
        type: string
        default: ${scalar(s.stage)}

jobs:
  rebuild:
    uses: ${REUSABLE_WORKFLOW}
    permissions:
      id-token: write
      contents: read
      # The reusable workflow attests layer.zip and its SBOM (artifact attestations).
      attestations: write
    with:
      requirements: ${scalar(s.requirements)}
      runtime: \${{ inputs.runtime }}
      architectures: \${{ format('["{0}"]', inputs.architecture) }}
      deploy-architecture: \${{ inputs.architecture }}
      force-rebuild: \${{ inputs.force-rebuild }}
      arm64-native-runner: \${{ inputs.arm64-native-runner }}
      stage: \${{ inputs.stage }}
      layer-name: ${scalar(s.layerName)}
      aws-region: ${scalar(s.region)}
      role-to-assume: ${scalar(s.publishRoleArn)}
      deploy-role-to-assume: ${scalar(s.deployRoleArn)}
      service-path: ${scalar(s.servicePath)}
`;
}
/** The files under .github/workflows/, by name. */
function callerWorkflows(settings) {
    return { 'deploy.yml': deployWorkflow(settings), 'rebuild-layer.yml': rebuildWorkflow(settings) };
}
/** The example service's settings: workflows/deploy-on-push.yml and workflows/rebuild-layer.yml. */
const EXAMPLE_SETTINGS = {
    requirements: 'requirements.txt',
    runtime: 'python3.11',
    architecture: 'x86_64',
    layerName: 'flask-api-deps',
    region: 'us-east-1',
    publishRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-publish',
    deployRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy',
    servicePath: '.',
    stage: 'prod',
    branch: 'main',
    asOf: new Date('2026-12-06T00:00:00Z'),
};
/** Where each example lives in this repository. */
const EXAMPLE_FILES = {
    'deploy.yml': 'workflows/deploy-on-push.yml',
    'rebuild-layer.yml': 'workflows/rebuild-layer.yml',
};

// EXTERNAL MODULE: ./src/process.ts
var src_process = __webpack_require__(4006);
;// CONCATENATED MODULE: ./src/init/git-repository.ts
/**
 * The GitHub repository a service lives in: the top of its git work tree and OWNER/REPO from
 * `git remote get-url origin`, in the forms GitHub hands out (https, ssh scp-style, ssh://).
 */

const GITHUB_REMOTE = [
    /^https:\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
    /^(?:[\w.-]+@)?github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
    /^ssh:\/\/(?:[\w.-]+@)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
];
/** OWNER/REPO of a GitHub remote URL, or undefined for another host or shape. */
function githubRepositoryOf(url) {
    for (const pattern of GITHUB_REMOTE) {
        const m = pattern.exec(url.trim());
        if (m)
            return `${m[1]}/${m[2]}`;
    }
    return undefined;
}
async function git(args, cwd, env) {
    const result = await (0,src_process/* runProcess */.R)('git', args, { cwd, env, timeoutMs: 15_000 }).catch(() => undefined);
    return result?.code === 0 ? result.stdout.trim() : undefined;
}
async function readGitFacts(dir, env) {
    const root = await git(['rev-parse', '--show-toplevel'], dir, env);
    if (!root)
        return {};
    return { root, originUrl: await git(['remote', 'get-url', 'origin'], dir, env) };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/init/serverless-config.ts
/**
 * What `lambda-layer init` reads from a service's serverless.yml (service name, runtime,
 * architecture, region) and the one edit it makes: `layers: [${param:layerArn}]` on each
 * function, as text inserted into the file so comments and layout stay. The edit is made only
 * when it is provably right: the functions are a block mapping of block mappings, none has a
 * `layers` key, and the edited text parses to the same configuration plus exactly those layers.
 * Otherwise the caller prints the lines to add.
 */

/** Serverless's variable for the ARN `serverless deploy --param layerArn=ARN` passes. */
const LAYER_PARAM = `\${param:layerArn}`;
const REGION = /\b[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d\b/;
function plain(value) {
    return typeof value === 'string' && !value.includes('${') ? value : undefined;
}
function readServerlessFacts(text) {
    const doc = (0,dist/* parseDocument */.Tp)(text, { uniqueKeys: false });
    if (doc.errors.length > 0)
        throw new Error(doc.errors[0]?.message);
    // Unknown tags (!Ref, !GetAtt in resources:) only warn; they do not touch what is read here.
    const config = (doc.toJS({ maxAliasCount: -1 }) ?? {});
    const provider = (config.provider ?? {});
    const service = typeof config.service === 'object' && config.service !== null
        ? plain(config.service.name)
        : plain(config.service);
    const regionText = typeof provider.region === 'string' ? provider.region : undefined;
    const functions = (config.functions ?? {});
    const lists = [provider.layers, ...Object.values(functions).map((f) => f?.layers)];
    return {
        service,
        runtime: plain(provider.runtime),
        architecture: plain(provider.architecture),
        region: regionText ? REGION.exec(regionText)?.[0] : undefined,
        functions: typeof functions === 'object' ? Object.keys(functions) : [],
        hasLayerParam: lists.some((l) => Array.isArray(l) && l.includes(LAYER_PARAM)),
    };
}
/** The lines a person adds under each function when the file cannot be edited safely. */
const MANUAL_LINES = `    layers:\n      - ${LAYER_PARAM}`;
/** Adds `layers: - ${param:layerArn}` to every function of serverless.yml, or says why not. */
function addLayerParam(text) {
    const facts = readServerlessFacts(text);
    if (facts.hasLayerParam)
        return { kind: 'present' };
    const manual = (reason) => ({ kind: 'manual', reason, lines: MANUAL_LINES });
    const lineCounter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter, keepSourceTokens: true });
    const functions = doc.get('functions', true);
    if (!(0,dist/* isMap */.jh)(functions) || functions.flow)
        return manual('`functions:` is not a block mapping in serverless.yml');
    if (functions.items.length === 0)
        return manual('serverless.yml has no functions');
    const inserts = [];
    const names = [];
    for (const pair of functions.items) {
        const name = (0,dist/* isScalar */.jn)(pair.key) ? String(pair.key.value) : '?';
        const fn = pair.value;
        if (!(0,dist/* isMap */.jh)(fn) || fn.flow || fn.items.length === 0 || !fn.range)
            return manual(`function ${name} is not a block mapping`);
        if (fn.has('layers'))
            return manual(`function ${name} already has its own layers`);
        // At the first key's indentation: after a one-line `handler:` (where people write it), else
        // before the first key.
        const start = fn.range[0];
        const { col } = lineCounter.linePos(start);
        const lineStart = start - (col - 1);
        if (text.slice(lineStart, start).trim() !== '')
            return manual(`function ${name} does not start on its own line`);
        const indent = ' '.repeat(col - 1);
        inserts.push({
            offset: afterOneLineHandler(fn, text, lineCounter) ?? lineStart,
            text: `${indent}layers:\n${indent}  - ${LAYER_PARAM}\n`,
        });
        names.push(name);
    }
    let edited = text;
    for (const insert of [...inserts].sort((a, b) => b.offset - a.offset))
        edited = edited.slice(0, insert.offset) + insert.text + edited.slice(insert.offset);
    // Proof: the edited file is the same configuration with exactly these layers added.
    const before = (0,dist/* parseDocument */.Tp)(text).toJS({ maxAliasCount: -1 });
    for (const name of names)
        before.functions[name] = { layers: [LAYER_PARAM], ...before.functions[name] };
    const after = (0,dist/* parseDocument */.Tp)(edited);
    if (after.errors.length > 0 ||
        JSON.stringify(sortKeys(after.toJS({ maxAliasCount: -1 }))) !== JSON.stringify(sortKeys(before)))
        return manual('the edited serverless.yml would not parse to the same configuration');
    return { kind: 'edited', text: edited, functions: names };
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value === null || typeof value !== 'object')
        return value;
    return Object.fromEntries(Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]));
}
/** The offset of the line after `handler: VALUE` when that pair sits on one line. */
function afterOneLineHandler(fn, text, lines) {
    const pair = fn.items.find((p) => (0,dist/* isScalar */.jn)(p.key) && p.key.value === 'handler');
    const key = pair && (0,dist/* isScalar */.jn)(pair.key) ? pair.key : undefined;
    const value = pair && (0,dist/* isScalar */.jn)(pair.value) ? pair.value : undefined;
    if (!key?.range || !value?.range)
        return undefined;
    if (lines.linePos(key.range[0]).line !== lines.linePos(value.range[1]).line)
        return undefined;
    const newline = text.indexOf('\n', value.range[1]);
    return newline === -1 ? undefined : newline + 1;
}

// EXTERNAL MODULE: ./src/programs.ts
var programs = __webpack_require__(4122);
// EXTERNAL MODULE: ./src/resolve/layer-input.ts + 18 modules
var layer_input = __webpack_require__(611);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
;// CONCATENATED MODULE: ./src/cli/init.ts
/**
 * `lambda-layer init`: set up a Serverless service's repository for the reusable workflow. It
 * reads what it can (the requirements or lock file, serverless.yml, the git remote), writes the
 * two caller workflows and aws/github-roles.yml, attaches ${param:layerArn} to the functions,
 * and prints the one AWS command and the push. Every target is checked before anything is
 * written, so a refusal leaves the folder as it was; each file is written whole (rename).
 */













/** The template, in this package and in the service. */
const TEMPLATE_FILE = 'aws/github-roles.yml';
const DEFAULT_STAGE = 'prod';
const DEFAULT_BRANCH = 'main';
const ACCOUNT_PLACEHOLDER = '<ACCOUNT_ID>';
const usage = `Usage: ${version/* TOOL_NAME */.l} init [options]

Run in a Serverless Framework v3 service folder. Writes, at the top of its git repository,
.github/workflows/deploy.yml (every push to the branch: build, publish, deploy) and
.github/workflows/rebuild-layer.yml (manual rebuild), both calling the reusable workflow; copies
the AWS template to aws/github-roles.yml in the service; adds \`layers: - \${param:layerArn}\` to
the functions of serverless.yml when none has it; prints the AWS command and the push.

Options:
  --service-path DIR      the service folder (default: .)
  --requirements FILE     requirements or lock file (default: the first of requirements.txt,
                          pylock.toml, uv.lock, poetry.lock, Pipfile.lock, pyproject.toml)
  --region NAME           AWS region (default: serverless.yml provider.region, else $AWS_REGION)
  --runtime NAME          Lambda runtime (default: provider.runtime, else ${src_target/* DEFAULT_RUNTIME */.JA})
  --arch ARCH             x86_64 | arm64 (default: provider.architecture, else ${src_target/* DEFAULT_ARCHITECTURE */.Qz})
  --layer-name NAME       layer name (default: SERVICE-deps)
  --stage NAME            stage the workflows deploy (default: ${DEFAULT_STAGE})
  --branch NAME           branch whose pushes deploy (default: ${DEFAULT_BRANCH})
  --repository OWNER/REPO the GitHub repository (default: from \`git remote get-url origin\`)
  --account-id ID         AWS account id for the role ARNs (default: the placeholder ${ACCOUNT_PLACEHOLDER})
  --stack-name NAME       CloudFormation stack of the roles (default: lambda-layer-github-SERVICE)
  --force                 overwrite files that exist
  --verbose               show debug output`;
const SERVERLESS_FILES = ['serverless.yml', 'serverless.yaml'];
const toPosix = (path) => path.split(external_node_path_.sep).join('/');
async function plan(values, io) {
    const flag = (name) => values[name];
    const serviceDir = (0,external_node_path_.resolve)(io.cwd, flag('service-path') ?? '.');
    if (!(0,external_node_fs_.existsSync)(serviceDir))
        throw new errors/* InputError */.dz('service-path', `${serviceDir} does not exist`);
    const notes = [];
    const serverlessName = SERVERLESS_FILES.find((name) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(serviceDir, name)));
    if (!serverlessName) {
        throw new errors/* UserError */.yo(`no serverless.yml in ${serviceDir}: init sets up a Serverless Framework v3 service.`, {
            hint: `run it in the service folder (or pass --service-path DIR); to build and publish a layer without a service, use "${version/* TOOL_NAME */.l} build" and "${version/* TOOL_NAME */.l} publish"`,
        });
    }
    const serverlessPath = (0,external_node_path_.join)(serviceDir, serverlessName);
    const serverlessText = await (0,promises_.readFile)(serverlessPath, 'utf8');
    let facts;
    try {
        facts = readServerlessFacts(serverlessText);
    }
    catch (error) {
        throw new errors/* UserError */.yo(`${serverlessPath} is not valid YAML: ${error.message}`);
    }
    const service = facts.service;
    if (!service || !/^[a-zA-Z][a-zA-Z0-9-]*$/.test(service)) {
        throw new errors/* UserError */.yo(`${serverlessPath} has no plain \`service:\` name${service ? ` ("${service}")` : ''}.`, {
            hint: 'give the service a literal name (letters, digits and hyphens): the roles are scoped to it',
        });
    }
    let requirementsFile;
    if (flag('requirements')) {
        requirementsFile = (0,external_node_path_.resolve)(io.cwd, flag('requirements'));
        if (!(0,external_node_fs_.existsSync)(requirementsFile))
            throw new errors/* InputError */.dz('requirements', `${requirementsFile} does not exist`);
    }
    else {
        try {
            requirementsFile = (0,layer_input/* detectInput */.Op)([serviceDir]).file;
        }
        catch (error) {
            throw new errors/* InputError */.dz('requirements', error.message.replace(/^Input "requirements": /, ''), {
                hint: 'create requirements.txt (one requirement per line, e.g. flask==3.0.3) or pass --requirements FILE',
            });
        }
    }
    const git = await readGitFacts(serviceDir, io.env);
    const root = git.root ?? serviceDir;
    if (!git.root)
        notes.push(`${serviceDir} is not in a git repository: the workflows go to its .github/ (run git init there)`);
    const repository = flag('repository') ?? (git.originUrl ? githubRepositoryOf(git.originUrl) : undefined);
    if (!repository) {
        throw new errors/* InputError */.dz('repository', git.originUrl
            ? `the origin remote ${git.originUrl} is not a GitHub repository`
            : 'no git remote "origin" to read the GitHub repository from', { hint: 'pass --repository OWNER/REPO (the roles trust only this repository)' });
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
        throw new errors/* InputError */.dz('repository', `"${repository}" is not OWNER/REPO`);
    const regionSource = flag('region') ?? facts.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!regionSource) {
        throw new errors/* InputError */.dz('region', `no region in ${serverlessName} (provider.region) or AWS_REGION`, {
            hint: 'pass --region (e.g. --region eu-west-1): the region the service deploys to',
        });
    }
    const region = (0,validation/* validateRegion */.jq)(regionSource, 'region');
    const target = (0,src_target/* resolveTarget */.u1)(flag('runtime') ?? facts.runtime ?? src_target/* DEFAULT_RUNTIME */.JA, flag('arch') ?? facts.architecture ?? src_target/* DEFAULT_ARCHITECTURE */.Qz);
    const layerName = (0,validation/* validateLayerName */.jo)(flag('layer-name') ?? `${service}-deps`, 'layer-name');
    const stage = flag('stage') ?? DEFAULT_STAGE;
    if (!/^[a-zA-Z0-9-]+$/.test(stage))
        throw new errors/* InputError */.dz('stage', `"${stage}" is not a Serverless stage (letters, digits, hyphens)`);
    const branch = flag('branch') ?? DEFAULT_BRANCH;
    if (!/^[^*?\s]+$/.test(branch))
        throw new errors/* InputError */.dz('branch', `"${branch}" is not one branch name`);
    const stackName = flag('stack-name') ?? `lambda-layer-github-${service}`;
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(stackName) || `${stackName}-publish`.length > 64) {
        throw new errors/* InputError */.dz('stack-name', `"${stackName}" cannot name the roles (STACK-publish, at most 64 characters)`, {
            hint: 'pass a shorter --stack-name (letters, digits, hyphens)',
        });
    }
    const accountId = flag('account-id')
        ? (0,validation/* validateAccountId */.d5)(flag('account-id'), 'account-id')
        : undefined;
    const roleArn = (suffix) => `arn:aws:iam::${accountId ?? ACCOUNT_PLACEHOLDER}:role/${stackName}-${suffix}`;
    const settings = {
        requirements: toPosix((0,external_node_path_.relative)(root, requirementsFile)),
        runtime: target.runtime,
        architecture: target.architecture,
        layerName,
        region,
        publishRoleArn: roleArn('publish'),
        deployRoleArn: roleArn('deploy'),
        servicePath: toPosix((0,external_node_path_.relative)(root, serviceDir)) || '.',
        stage,
        branch,
        asOf: new Date(),
    };
    if (settings.requirements.startsWith('../'))
        throw new errors/* InputError */.dz('requirements', `${requirementsFile} is outside the repository ${root}`);
    const workflows = callerWorkflows(settings);
    const template = await (0,promises_.readFile)((0,programs/* packageFilePath */._f)(TEMPLATE_FILE), 'utf8');
    let layerEdit;
    try {
        layerEdit = addLayerParam(serverlessText);
    }
    catch (error) {
        layerEdit = { kind: 'manual', reason: error.message, lines: MANUAL_LINES };
    }
    return {
        files: [
            {
                path: (0,external_node_path_.join)(root, '.github', 'workflows', 'deploy.yml'),
                text: workflows['deploy.yml'],
                what: `deploys on every push to ${branch}`,
            },
            {
                path: (0,external_node_path_.join)(root, '.github', 'workflows', 'rebuild-layer.yml'),
                text: workflows['rebuild-layer.yml'],
                what: 'manual rebuild from the Actions tab',
            },
            { path: (0,external_node_path_.join)(serviceDir, TEMPLATE_FILE), text: template, what: 'the OIDC provider and the two roles' },
        ],
        layerEdit,
        serverlessPath,
        settings,
        repository,
        service,
        stackName,
        accountId,
        root,
        serviceDir,
        notes,
    };
}
/** Writes a whole file or nothing: a temp file beside it, renamed over it. */
async function writeWhole(path, text) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await (0,promises_.writeFile)(temp, text);
    await (0,promises_.rename)(temp, path);
}
/** The one AWS command, with this repository's parameters. */
function awsCommand(p, templateFile = TEMPLATE_FILE) {
    const parameters = [
        `GitHubRepository=${p.repository}`,
        `ServiceName=${p.service}`,
        `Stage=${p.settings.stage}`,
        `LayerName=${p.settings.layerName}`,
        ...(p.settings.branch === DEFAULT_BRANCH ? [] : [`Branch=${p.settings.branch}`]),
    ];
    return `aws cloudformation deploy --stack-name ${p.stackName} --template-file ${templateFile} --capabilities CAPABILITY_NAMED_IAM --region ${p.settings.region} --parameter-overrides ${parameters.join(' ')}`;
}
function report(p, io) {
    // Paths as the person types them: relative to where they ran init, when inside it.
    const inside = (from, path) => {
        const rel = toPosix((0,external_node_path_.relative)(from, path));
        return rel.startsWith('../') || rel === '..' ? undefined : rel || '.';
    };
    const shown = (path) => inside(io.cwd, path) ?? path;
    // git runs in the repository: from here when inside it, else after a cd.
    const gitDir = inside(p.root, io.cwd) === undefined ? p.root : io.cwd;
    const gitPath = (path) => inside(gitDir, path) ?? path;
    const lines = ['Wrote:'];
    for (const file of p.files)
        lines.push(`  ${shown(file.path).padEnd(36)} ${file.what}`);
    if (p.layerEdit.kind === 'edited') {
        lines.push(`  ${shown(p.serverlessPath).padEnd(36)} layers: - \${param:layerArn} added to ${p.layerEdit.functions.join(', ')}`);
    }
    lines.push('', `Found: service ${p.service}, ${p.settings.requirements}, ${p.settings.runtime} ${p.settings.architecture}, ${p.settings.region}, repository ${p.repository}`);
    if (p.layerEdit.kind === 'manual') {
        lines.push('', `${shown(p.serverlessPath)} was left as it is (${p.layerEdit.reason}). Attach the layer to each function yourself:`, p.layerEdit.lines);
    }
    for (const note of p.notes)
        lines.push('', `Note: ${note}`);
    // .github, the service's aws/ and serverless.yml when it was edited.
    const addPaths = [
        ...new Set([
            gitPath((0,external_node_path_.join)(p.root, '.github')),
            gitPath((0,external_node_path_.join)(p.serviceDir, 'aws')),
            ...(p.layerEdit.kind === 'edited' ? [gitPath(p.serverlessPath)] : []),
        ]),
    ];
    lines.push('', 'Next steps:', '  1. Create the GitHub OIDC provider and the two roles, once, with AWS credentials that may create IAM roles:', '', `     ${awsCommand(p, shown((0,external_node_path_.join)(p.serviceDir, TEMPLATE_FILE)))}`, '', '     Add CreateOidcProvider=false when the account already has the GitHub OIDC provider.', ...(p.accountId
        ? []
        : [
            `  2. Put your AWS account id in place of ${ACCOUNT_PLACEHOLDER} in the two workflows (aws sts get-caller-identity`,
            `     --query Account), or run init again with --account-id ID --force.`,
        ]), `  ${p.accountId ? 2 : 3}. Commit and push; the push to ${p.settings.branch} deploys:`, '', `     ${gitDir === io.cwd ? '' : `cd ${gitDir} && `}git add ${addPaths.join(' ')} && git commit -m "Deploy with lambda-layer" && git push`);
    return `${lines.join('\n')}\n`;
}
async function run(argv, io) {
    const { values } = (0,parse/* parseCommandArgs */.Q)(argv, {
        'service-path': { type: 'string' },
        requirements: { type: 'string' },
        region: { type: 'string' },
        runtime: { type: 'string' },
        arch: { type: 'string' },
        'layer-name': { type: 'string' },
        stage: { type: 'string' },
        branch: { type: 'string' },
        repository: { type: 'string' },
        'account-id': { type: 'string' },
        'stack-name': { type: 'string' },
        force: { type: 'boolean' },
        verbose: { type: 'boolean' },
    });
    const p = await plan(values, io);
    // Every target is checked before anything is written.
    const existing = p.files.filter((f) => (0,external_node_fs_.existsSync)(f.path)).map((f) => toPosix((0,external_node_path_.relative)(io.cwd, f.path)));
    if (existing.length > 0 && !values.force) {
        throw new errors/* UserError */.yo(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written.`, {
            hint: 'pass --force to overwrite (commit or copy your own version first)',
        });
    }
    for (const file of p.files)
        await writeWhole(file.path, file.text);
    if (p.layerEdit.kind === 'edited')
        await writeWhole(p.serverlessPath, p.layerEdit.text);
    io.stdout.write(report(p, io));
    return 0;
}
const initCommand = { usage, run };


/***/ })

};
