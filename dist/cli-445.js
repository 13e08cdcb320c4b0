export const id = 445;
export const ids = [445];
export const modules = {

/***/ 2445:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deployCommand: () => (/* binding */ deployCommand)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/aws/credentials.ts + 2 modules
var aws_credentials = __webpack_require__(3002);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
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
            throw new errors/* InputError */.dz(inputName, (n) => {
                // The action says "the stage input", the CLI "--stage".
                const setting = n.name(owner) === owner ? `the ${owner} input` : n.name(owner);
                return `"${arg}" sets the ${owner}; use ${setting} instead`;
            });
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

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-lambda/dist-cjs/index.js
var dist_cjs = __webpack_require__(1696);
// EXTERNAL MODULE: ./src/aws/aws-errors.ts
var aws_errors = __webpack_require__(8098);
// EXTERNAL MODULE: ./src/invoke/events.ts
var events = __webpack_require__(635);
;// CONCATENATED MODULE: ./src/deploy/lambda-log.ts
/**
 * The log tail Lambda returns for `Invoke` with `LogType: Tail` (the last 4 KB of the
 * invocation's log, base64 in X-Amz-Log-Result) and the figures of its REPORT line:
 *   REPORT RequestId: 8f5...\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\t
 *   Max Memory Used: 56 MB\tInit Duration: 234.56 ms[\tStatus: timeout]
 */
/** Decodes X-Amz-Log-Result (base64 UTF-8); undefined stays undefined. */
function decodeLogResult(logResult) {
    if (logResult === undefined)
        return undefined;
    return Buffer.from(logResult, 'base64').toString('utf8');
}
function figure(line, label) {
    const match = new RegExp(`${label}:\\s*([0-9.]+)`).exec(line);
    return match?.[1] ? Number(match[1]) : undefined;
}
/** The last REPORT line of a log tail, or undefined when the tail holds none (it was cut, or absent). */
function parseReportLine(tail) {
    const line = (tail ?? '')
        .split(/\r?\n/)
        .reverse()
        .find((l) => l.startsWith('REPORT RequestId:'));
    if (!line)
        return undefined;
    // "Billed Duration" and "Init Duration" also end in "Duration": match the plain one at a field start.
    const duration = /(?:^|\t|\s)Duration:\s*([0-9.]+)/.exec(line.replace(/(Billed|Init) Duration/g, ''));
    if (!duration?.[1])
        return undefined;
    const status = /Status:\s*(\S+)/.exec(line)?.[1];
    return {
        durationMs: Number(duration[1]),
        billedDurationMs: figure(line, 'Billed Duration'),
        memorySizeMb: figure(line, 'Memory Size'),
        maxMemoryUsedMb: figure(line, 'Max Memory Used'),
        initDurationMs: figure(line, 'Init Duration'),
        ...(status ? { status } : {}),
    };
}
/** The tail without Lambda's START/END/REPORT bookkeeping, for a message: what the function said. */
function functionOutput(tail, maxLines = 30) {
    const lines = (tail ?? '')
        .split(/\r?\n/)
        .filter((l) => l.trim() && !/^(START|END|REPORT|INIT_START|INIT_REPORT) /.test(l));
    return lines.slice(-maxLines).join('\n');
}

;// CONCATENATED MODULE: ./src/deploy/function-check.ts
/**
 * The post-deploy check: invoke each deployed function once through the Lambda API
 * (`RequestResponse`, `LogType: Tail`) with an event shaped like its trigger's, and report what
 * Lambda says: the function error (Runtime.ImportModuleError, Runtime.HandlerNotFound, a
 * timeout, an exception) with its log tail, or the REPORT line's duration and memory.
 *
 * Invoking runs the function for real: a scheduled job does its work, an S3 handler gets a
 * sample object key. That is why the check is opt-in and the functions can be chosen.
 */







/** Some functions failed when invoked; `checks` holds every function's row for the summary. */
class FunctionCheckError extends errors/* UserError */.yo {
    checks;
    constructor(checks) {
        const failed = checks.filter((c) => c.result === 'failed');
        const invoked = checks.filter((c) => c.result !== 'skipped').length;
        super(`${failed.length} of ${invoked} function(s) failed when invoked after the deploy:\n` +
            failed
                .map((c) => `- ${c.key} (${c.name}, ${c.trigger}): ${c.error?.type}: ${c.error?.message}`)
                .join('\n'), { hint: checkHint(failed) });
        this.name = 'FunctionCheckError';
        this.checks = checks;
    }
}
/** What to do about these failures. */
function checkHint(failed) {
    // In the error (Runtime.ImportModuleError) or only in the log (a WSGI adapter answering 500).
    if (failed.some((c) => /No module named/.test(`${c.error?.message ?? ''}\n${c.logTail ?? ''}`))) {
        return 'a module is missing from the layer (or the function code): add it to requirements.txt, rebuild and deploy again';
    }
    if (failed.some((c) => c.error?.type === 'AccessDeniedException'))
        return ACCESS_HINT;
    return 'each function error above comes with its log tail; fix the function and deploy again';
}
const ACCESS_HINT = 'allow lambda:InvokeFunction on the service functions for the deploy role (docs/iam.md), or set invoke: false';
/** Which functions to invoke, and the rows of those left out. Unknown names are input errors. */
function selectFunctions(all, options) {
    const names = options.inputNames ?? { functions: 'invoke-functions', events: 'invoke-events' };
    const find = (wanted) => all.find((fn) => fn.key === wanted || fn.name === wanted);
    const known = all.map((fn) => fn.key).join(', ');
    const eventFiles = new Map();
    for (const [wanted, file] of Object.entries(options.events ?? {})) {
        const fn = find(wanted);
        if (!fn)
            throw new errors/* InputError */.dz(names.events, `"${wanted}" is not a function of the service (${known})`);
        eventFiles.set(fn.key, file);
    }
    const chosen = new Set();
    for (const wanted of options.functions ?? []) {
        const fn = find(wanted);
        if (!fn)
            throw new errors/* InputError */.dz(names.functions, `"${wanted}" is not a function of the service (${known})`);
        if (!fn.trigger && !eventFiles.has(fn.key)) {
            throw new errors/* InputError */.dz(names.functions, `${fn.key} is triggered by ${fn.eventTypes.join(', ') || 'nothing'}, which has no sample event`, { hint: `give it an event file in ${names.events}: ${fn.key}=path/to/event.json` });
        }
        chosen.add(fn.key);
    }
    const selected = [];
    const skipped = [];
    for (const fn of all) {
        const eventFile = eventFiles.get(fn.key);
        const trigger = fn.trigger ?? fn.eventTypes[0] ?? 'none';
        if (chosen.size > 0 && !chosen.has(fn.key)) {
            skipped.push({
                key: fn.key,
                name: fn.name,
                trigger,
                result: 'skipped',
                skipped: `not in ${names.functions}`,
            });
        }
        else if (!fn.trigger && !eventFile) {
            skipped.push({
                key: fn.key,
                name: fn.name,
                trigger,
                result: 'skipped',
                skipped: `no sample event for ${trigger}: add ${fn.key}=FILE to ${names.events}`,
            });
        }
        else {
            selected.push({ fn, eventFile });
        }
    }
    return { selected, skipped };
}
/** The sample event for a trigger, made to fit the function (the S3 bucket and key rules). */
function sampleEventFor(fn, region, httpPath = '/') {
    const trigger = fn.trigger;
    if (trigger === 'http')
        return (0,events/* httpGetEvent */.ZI)(httpPath);
    if (trigger === 'schedule')
        return { ...(0,events/* sampleEvent */.lg)('schedule'), region };
    const event = (0,events/* sampleEvent */.lg)('s3-put');
    const record = event.Records[0];
    if (record) {
        record.awsRegion = region;
        if (fn.s3?.bucket)
            record.s3.bucket = { ...record.s3.bucket, name: fn.s3.bucket, arn: `arn:aws:s3:::${fn.s3.bucket}` };
        // A key the function's prefix/suffix rules would let through.
        if (fn.s3?.prefix || fn.s3?.suffix)
            record.s3.object.key = `${fn.s3.prefix ?? ''}report${fn.s3.suffix ?? '.csv'}`;
    }
    return event;
}
async function readEventFile(file, inputName) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw new errors/* InputError */.dz(inputName, `cannot read ${file}: ${error.code ?? error}`);
    }
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new errors/* InputError */.dz(inputName, `${file} is not valid JSON: ${error.message}`);
    }
}
/** Lambda's error payload {errorType, errorMessage}; anything else is shown as it came. */
function errorOf(payload, functionError) {
    try {
        const parsed = JSON.parse(payload);
        return {
            type: typeof parsed.errorType === 'string' ? parsed.errorType : functionError,
            message: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : payload,
        };
    }
    catch {
        return { type: functionError, message: payload };
    }
}
/** An HTTP function's answer: API Gateway turns a 5xx statusCode into the client's 5xx. */
function httpStatusOf(payload) {
    try {
        const parsed = JSON.parse(payload);
        if (typeof parsed?.statusCode === 'number') {
            return { status: parsed.statusCode, body: typeof parsed.body === 'string' ? parsed.body : undefined };
        }
    }
    catch {
        // Not JSON: HTTP API answers 200 with it as the body.
    }
    return {};
}
/** Invokes one function with one event and turns Lambda's answer into a check row. */
async function invokeFunction(client, fn, event, eventLabel, trigger) {
    const base = { key: fn.key, name: fn.name, trigger, event: eventLabel };
    let response;
    try {
        response = await client.send(new dist_cjs/* InvokeCommand */.mdN({
            FunctionName: fn.name,
            InvocationType: 'RequestResponse',
            LogType: 'Tail',
            Payload: Buffer.from(JSON.stringify(event)),
        }));
    }
    catch (error) {
        const name = error.name ?? 'Error';
        return { ...base, result: 'failed', error: { type: name, message: (0,aws_errors/* describeAwsError */.Pp)(error) } };
    }
    const payload = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
    const logTail = decodeLogResult(response.LogResult);
    const report = parseReportLine(logTail);
    const common = { ...base, logTail, ...(report ? { report } : {}) };
    if (response.FunctionError) {
        return { ...common, result: 'failed', error: errorOf(payload, response.FunctionError) };
    }
    if (fn.trigger === 'http' && trigger === 'http') {
        const { status, body } = httpStatusOf(payload);
        if (status !== undefined && status >= 500) {
            return {
                ...common,
                result: 'failed',
                httpStatus: status,
                error: { type: `HTTP ${status}`, message: (body ?? '').slice(0, 300) || '(empty body)' },
            };
        }
        return { ...common, result: 'ok', ...(status !== undefined ? { httpStatus: status } : {}) };
    }
    return { ...common, result: 'ok' };
}
/** A client whose socket outlasts the slowest selected function (Lambda answers when it returns). */
function clientFor(target, functions) {
    const longest = Math.max(6, ...functions.map((fn) => fn.timeoutSeconds));
    return (0,clients/* createLambdaClient */.Vw)({
        region: target.region,
        credentials: target.credentials,
        // A retry after a timeout would run the function twice: only throttling and refusals are worth it.
        maxAttempts: 2,
        socketTimeoutMs: (longest + 60) * 1000,
    });
}
/** One line per function for the log. */
function describeCheck(check) {
    const head = `${check.key} (${check.name}, ${check.trigger})`;
    if (check.result === 'skipped')
        return `${head}: skipped, ${check.skipped}`;
    const r = check.report;
    const figures = r
        ? `${r.durationMs} ms (billed ${r.billedDurationMs ?? '?'} ms), ${r.maxMemoryUsedMb ?? '?'}/${r.memorySizeMb ?? '?'} MB`
        : 'no REPORT line';
    if (check.result === 'ok')
        return `${head}: ok${check.httpStatus ? ` (HTTP ${check.httpStatus})` : ''}, ${figures}`;
    return `${head}: ${check.error?.type}: ${check.error?.message}`;
}
/** The failure of one function, as the annotation and the log show it: error, event, log tail. */
function describeCheckFailure(check) {
    const lines = [`${check.error?.type}: ${check.error?.message}`];
    lines.push(`Invoked ${check.name} with ${check.event ?? 'its event'}.`);
    if (check.error?.type === 'AccessDeniedException')
        lines.push(`-> ${ACCESS_HINT}`);
    if (check.logTail?.trim())
        lines.push('Log tail:', check.logTail.trimEnd());
    return lines.join('\n');
}
/**
 * Invokes the selected functions (up to 4 at a time) and returns every row, skipped ones
 * included, in serverless.yml order. Throws FunctionCheckError when any invoked function failed.
 */
async function checkFunctions(functions, options, target, log) {
    const eventsInput = options.inputNames?.events ?? 'invoke-events';
    const { selected, skipped } = selectFunctions(functions, options);
    const events = await Promise.all(selected.map(async ({ fn, eventFile }) => ({
        event: eventFile
            ? await readEventFile(eventFile, eventsInput)
            : sampleEventFor(fn, target.region, options.httpPath),
        label: eventFile ??
            (fn.trigger === 'http'
                ? `http-get ${options.httpPath ?? '/'}`
                : `${fn.trigger === 's3' ? 's3-put' : fn.trigger}`),
        trigger: fn.trigger ?? fn.eventTypes[0] ?? 'none',
    })));
    const client = clientFor(target, selected.map((s) => s.fn));
    const results = new Array(selected.length);
    try {
        let next = 0;
        const worker = async () => {
            for (let i = next++; i < selected.length; i = next++) {
                const { fn } = selected[i];
                const { event, label, trigger } = events[i];
                results[i] = await invokeFunction(client, fn, event, `the ${label} event`, trigger);
            }
        };
        await Promise.all(Array.from({ length: Math.min(4, selected.length) }, worker));
    }
    finally {
        client.destroy();
    }
    const byKey = new Map([...results, ...skipped].map((c) => [c.key, c]));
    const checks = functions.map((fn) => byKey.get(fn.key)).filter((c) => c !== undefined);
    for (const check of checks) {
        // The action turns each failure into an annotation of its own (src/main.ts): plain lines here.
        log.info(describeCheck(check));
        if (check.result === 'failed' && check.logTail) {
            // Prefixed: a function's output must not reach the runner as a workflow command.
            for (const line of check.logTail.trimEnd().split('\n'))
                log.info(`  | ${line}`);
        }
    }
    if (checks.some((c) => c.result === 'failed'))
        throw new FunctionCheckError(checks);
    return checks;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/deploy/functions.ts
/**
 * Which functions a deploy created, and what triggers each, from the state Serverless writes
 * while packaging (`.serverless/serverless-state.json`, the file `serverless deploy --package`
 * reads back). It holds every function after variable resolution: its key, its deployed name
 * (`service-stage-key` unless `name:` overrides it), handler, timeout and events. `serverless info`
 * prints only names, and the CloudFormation template would need every event type's resources
 * mapped back to their function.
 */




const SERVERLESS_DEFAULT_TIMEOUT = 6;
/** httpApi and http (REST) events both reach the function as HTTP requests. */
function triggerOf(type, config) {
    if (type === 'httpApi' || type === 'http')
        return 'http';
    if (type === 'schedule')
        return 'schedule';
    if (type === 'eventBridge' && typeof config === 'object' && config && 'schedule' in config)
        return 'schedule';
    if (type === 's3')
        return 's3';
    return undefined;
}
function s3Detail(config) {
    if (typeof config === 'string')
        return { bucket: config };
    const c = (config ?? {});
    const rule = (name) => {
        const value = (c.rules ?? []).find((r) => typeof r?.[name] === 'string')?.[name];
        return typeof value === 'string' ? value : undefined;
    };
    // A bucket given as a CloudFormation reference ({Ref: ...}) has no name to put in the event.
    return {
        bucket: typeof c.bucket === 'string' ? c.bucket : undefined,
        prefix: rule('prefix'),
        suffix: rule('suffix'),
    };
}
/** The functions of a parsed serverless-state.json, in serverless.yml order. */
function functionsOfState(state) {
    const functions = state?.service
        ?.functions;
    if (!functions || typeof functions !== 'object')
        return [];
    return Object.entries(functions).map(([key, fn]) => {
        const events = Array.isArray(fn.events) ? fn.events : [];
        const eventTypes = [];
        let trigger;
        let s3;
        for (const event of events) {
            const [type, config] = Object.entries(event ?? {}).find(([k]) => k !== 'resolvedMethod') ?? [];
            if (!type)
                continue;
            eventTypes.push(type);
            const known = triggerOf(type, config);
            if (known && !trigger) {
                trigger = known;
                if (known === 's3')
                    s3 = s3Detail(config);
            }
        }
        return {
            key,
            name: typeof fn.name === 'string' ? fn.name : key,
            handler: typeof fn.handler === 'string' ? fn.handler : undefined,
            timeoutSeconds: typeof fn.timeout === 'number' ? fn.timeout : SERVERLESS_DEFAULT_TIMEOUT,
            trigger,
            eventTypes,
            ...(s3 ? { s3 } : {}),
        };
    });
}
/** `--package DIR` / `-p DIR` among the deploy arguments: the deploy used that packaged state. */
function packageDirOf(servicePath, deployArgs) {
    for (let i = 0; i < deployArgs.length; i++) {
        const arg = deployArgs[i] ?? '';
        if ((arg === '--package' || arg === '-p') && deployArgs[i + 1])
            return (0,external_node_path_.resolve)(servicePath, deployArgs[i + 1]);
        if (arg.startsWith('--package='))
            return (0,external_node_path_.resolve)(servicePath, arg.slice('--package='.length));
    }
    return (0,external_node_path_.join)(servicePath, '.serverless');
}
/** Reads the deployed functions from `packageDir`/serverless-state.json. */
async function readDeployedFunctions(packageDir) {
    const file = (0,external_node_path_.join)(packageDir, 'serverless-state.json');
    if (!(0,external_node_fs_.existsSync)(file)) {
        throw new errors/* UserError */.yo(`cannot tell which functions were deployed: ${file} does not exist`, {
            hint: 'serverless deploy writes it while packaging; with --package DIR in deploy-args it is read from DIR',
        });
    }
    let state;
    try {
        state = JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch (error) {
        throw new errors/* UserError */.yo(`cannot read ${file}: ${error.message}`);
    }
    const functions = functionsOfState(state);
    if (functions.length === 0)
        throw new errors/* UserError */.yo(`${file} lists no functions`);
    return functions;
}

// EXTERNAL MODULE: ./src/aws/validation.ts
var validation = __webpack_require__(838);
// EXTERNAL MODULE: ./src/process.ts
var src_process = __webpack_require__(4006);
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
                // The user's .npmrc may name a registry token as `${NPM_TOKEN}`.
                environment: 'user',
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
            hint: (n) => `point ${n.name('service-path')} at the directory of your serverless.yml`,
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
    // npm gets the job's environment (the service's .npmrc may name `${NPM_TOKEN}`), never the
    // deploy credentials.
    const result = await (0,src_process/* runProcess */.R)('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: servicePath,
        environment: 'user',
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
            environment: 'user', // serverless.yml may read any variable (`${env:NAME}`)
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
                environment: 'user', // serverless.yml may read any variable (`${env:NAME}`)
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
 * A check that failed after a successful deploy: `result` still has the endpoint and rows for
 * outputs; the pipeline attaches the whole `job` so the job summary is written anyway.
 */
class PostDeployError extends errors/* UserError */.yo {
    result;
    job;
    constructor(message, result, hint) {
        super(message, { hint });
        this.name = 'PostDeployError';
        this.result = result;
    }
}
/** A smoke test that failed after a successful deploy. */
class SmokeTestError extends PostDeployError {
    constructor(message, result, hint) {
        super(message, result, hint);
        this.name = 'SmokeTestError';
    }
}
/** Functions that failed when invoked after a successful deploy; `checks` has every row. */
class FunctionsFailedError extends PostDeployError {
    checks;
    constructor(cause, result) {
        super(cause.message, result, cause.hint);
        this.name = 'FunctionsFailedError';
        this.checks = cause.checks;
    }
}
function deployArgv(options) {
    return typeof options.deployArgs === 'string' ? splitArgs(options.deployArgs) : (options.deployArgs ?? []);
}
async function deployedFunctions(options) {
    return readDeployedFunctions(packageDirOf(options.servicePath, deployArgv(options)));
}
/** The smoke test's failure, with the HTTP function's own answer when it was invoked. */
function explainSmokeTest(result, diagnosis, note) {
    const lines = [
        `the deploy succeeded but the smoke test failed after ${result.attempts} attempt(s): GET ${result.url} -> ${result.reason}`,
    ];
    if (result.bodySnippet)
        lines.push(result.bodySnippet);
    if (diagnosis?.result === 'ok') {
        lines.push(`Invoked directly, ${diagnosis.key} (${diagnosis.name}) answered ${diagnosis.httpStatus ?? 'without a statusCode'}: the function works; look at the API in front of it.`);
    }
    else if (diagnosis?.result === 'failed') {
        lines.push(`The function behind it, ${diagnosis.key}, invoked directly: ${describeCheckFailure(diagnosis)}`);
    }
    if (note)
        lines.push(note);
    return lines.join('\n');
}
/**
 * Invokes the service's HTTP function with the smoke test's request, to say why the endpoint
 * failed. Best effort: when it cannot (no state file), the reason joins the message instead.
 */
async function invokeHttpFunction(options, log) {
    let fn;
    try {
        fn = (await deployedFunctions(options)).find((f) => f.trigger === 'http');
    }
    catch (error) {
        return { note: `(the HTTP function could not be invoked to show why: ${error.message})` };
    }
    if (!fn)
        return {};
    const path = options.smokeTestPath ?? '/';
    log.info(`Invoking ${fn.name} with a GET ${path} event to see why the smoke test failed`);
    const client = (0,clients/* createLambdaClient */.Vw)({
        region: options.region,
        credentials: options.credentials,
        maxAttempts: 2,
        socketTimeoutMs: (fn.timeoutSeconds + 60) * 1000,
    });
    try {
        const event = sampleEventFor(fn, options.region, path);
        return { check: await invokeFunction(client, fn, event, `a GET ${path} event`, 'http') };
    }
    finally {
        client.destroy();
    }
}
async function invokeAll(options, invoke, log) {
    const functions = await deployedFunctions(options);
    try {
        const checks = await log.group(`Invoke the deployed functions (${options.region})`, () => checkFunctions(functions, { ...invoke, httpPath: invoke.httpPath ?? options.smokeTestPath }, { region: options.region, credentials: options.credentials }, log));
        return { checks };
    }
    catch (error) {
        if (error instanceof FunctionCheckError)
            return { checks: error.checks, failure: error };
        throw error;
    }
}
async function runDeployStage(options, log) {
    const deploy = await deployService(options, log);
    let stage = { endpoint: deploy.endpoint, deploy };
    let smoke;
    if (options.smokeTestPath !== undefined) {
        if (deploy.endpoint) {
            smoke = await smokeTest(deploy.endpoint, {
                ...options.smokeTest,
                path: options.smokeTestPath,
                expectText: options.expectText,
                log,
            });
            stage = { ...stage, smokeTest: smoke };
        }
        else {
            log.warn('the service has no HTTP endpoint: the smoke test was skipped');
            stage = { deploy };
        }
    }
    const checked = options.invoke ? await invokeAll(options, options.invoke, log) : undefined;
    if (checked)
        stage = { ...stage, functions: checked.checks };
    if (smoke && !smoke.ok) {
        // The check already invoked the HTTP function with the same path; else invoke it now.
        const fromCheck = checked?.checks.find((c) => c.trigger === 'http' && c.result !== 'skipped');
        const { check, note } = fromCheck
            ? { check: fromCheck, note: undefined }
            : await invokeHttpFunction(options, log);
        const others = checked?.failure ? `\n${checked.failure.message}` : '';
        throw new SmokeTestError(explainSmokeTest(smoke, check, note) + others, { ...stage, ...(check ? { smokeTestDiagnosis: check } : {}) }, check?.result === 'failed'
            ? checkHint([check])
            : `check the function's logs: serverless logs --function <name> --stage ${options.stage} --region ${options.region}`);
    }
    if (checked?.failure)
        throw new FunctionsFailedError(checked.failure, stage);
    return stage;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
// EXTERNAL MODULE: ./src/cli/region.ts
var cli_region = __webpack_require__(8680);
// EXTERNAL MODULE: ./src/cli/role-flags.ts
var role_flags = __webpack_require__(1698);
;// CONCATENATED MODULE: ./src/cli/deploy.ts
/** `lambda-layer deploy`: serverless deploy with a layer ARN, then an optional smoke test and invoke check. */









const usage = `Usage: ${version/* TOOL_NAME */.l} deploy --layer-arn ARN [options]

Run \`serverless deploy --stage S --region R --param layerArn=ARN\` in a Serverless Framework v3
service (its serverless.yml attaches the layer with \`layers: ['\${param:layerArn}']\`), then
GET its HTTP endpoint. AWS credentials come from the environment (profile, keys, SSO), or from
the deploy role assumed with a GitHub OIDC token (--role-to-assume, e.g. the DeployRoleArn output
of aws/github-roles.yml); serverless and the invoke check both use them.

Options:
  --layer-arn ARN             the layer version to attach (required)
  --service-path DIR          directory of serverless.yml (default: .)
  --stage NAME                stage (default: dev)
  --region NAME               AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION)
  --serverless-package PKG    serverless@3 (default; the service's own node_modules/.bin/serverless
                              when it has one) | osls (the maintained community continuation of v3)
                              | a version such as 3.40.0
  --deploy-args "ARGS"        extra serverless deploy arguments (shell-like quoting, no shell)
  --timeout SECONDS           bound for serverless deploy (default: 1800)
  --smoke-test-path PATH      GET this path of the endpoint after the deploy, expecting a 2xx
  --expect-text TEXT          the smoke test also expects this text in the body
  --invoke                    then invoke each function through the Lambda API with a sample event
                              for its trigger (HTTP GET, schedule, S3 put), showing its error and log
                              tail, or its duration and memory; runs the functions for real
  --invoke-functions LIST     only these functions (serverless.yml keys or names, comma separated)
  --invoke-events NAME=FILE   an event file for a function instead of the sample (repeatable)
${(0,role_flags/* roleFlagsUsage */.N9)(30)}
  --json                      print {endpoint, smokeTest, functions} as JSON on stdout
  --verbose                   show debug output`;
function deploy_report(io, result, json) {
    const smoke = result.smokeTest;
    if (json) {
        io.stdout.write(`${JSON.stringify({ endpoint: result.endpoint ?? null, smokeTest: smoke ?? null, functions: result.functions ?? null }, null, 2)}\n`);
        return;
    }
    const { packageName, version } = result.deploy.serverless;
    io.stdout.write(`Deployed with ${packageName} ${version}\n`);
    if (result.endpoint)
        io.stdout.write(`endpoint: ${result.endpoint}\n`);
    if (smoke)
        io.stdout.write(`smoke test: GET ${smoke.url} -> ${smoke.status} ${smoke.ok ? 'ok' : 'FAILED'}\n`);
    if (result.functions)
        io.stdout.write(`functions:\n${(0,report/* functionLines */.mg)(result.functions).join('\n')}\n`);
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
        invoke: { type: 'boolean' },
        'invoke-functions': { type: 'string', multiple: true },
        'invoke-events': { type: 'string', multiple: true },
        ...role_flags/* ROLE_FLAGS */.Zo,
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
    });
    const layerArn = values['layer-arn'];
    if (!layerArn)
        throw new parse/* UsageError */.e('--layer-arn is required');
    const functions = (0,inputs/* parseList */.E1)((values['invoke-functions'] ?? []).join(','));
    const events = (0,inputs/* parseInvokeEvents */.VW)((values['invoke-events'] ?? []).join('\n'), (path) => (0,external_node_path_.resolve)(io.cwd, path));
    if (!values.invoke && (functions.length > 0 || Object.keys(events).length > 0))
        throw new parse/* UsageError */.e('--invoke-functions and --invoke-events need --invoke');
    const region = (0,cli_region/* regionFrom */.b)(values.region, io.env);
    const roleToAssume = values['role-to-assume'];
    const getIdToken = (0,role_flags/* idTokenSourceFromFlags */.X4)(values, io);
    // Only an assumed role is resolved here: without one, serverless and the Lambda client each
    // read the default chain themselves, as before.
    const credentials = roleToAssume
        ? await io.log.group('AWS credentials for the deploy', () => (0,aws_credentials/* resolveCredentials */.z8)({ ...(0,role_flags/* credentialsFromFlags */.w3)(values), region, runId: (0,role_flags/* runIdFromEnv */.Wx)(io.env), client: { env: io.env } }, { getIdToken }, io.log))
        : undefined;
    try {
        const result = await runDeployStage({
            servicePath: (0,external_node_path_.resolve)(io.cwd, values['service-path'] ?? '.'),
            stage: values.stage ?? 'dev',
            region,
            layerArn,
            serverlessPackage: values['serverless-package'],
            deployArgs: values['deploy-args'] ?? '',
            env: credentials ? (0,aws_credentials/* childProcessEnv */.vp)(io.env, credentials) : io.env,
            credentials: credentials?.credentials,
            timeoutMs: (0,inputs/* parseSecondsAsMs */.vZ)('timeout', values.timeout),
            smokeTestPath: values['smoke-test-path'],
            expectText: values['expect-text'],
            invoke: values.invoke ? { functions, events } : undefined,
        }, io.log);
        deploy_report(io, result, values.json);
        return 0;
    }
    catch (error) {
        // The deploy went through: still print the endpoint and the functions, then fail.
        if (error instanceof PostDeployError)
            deploy_report(io, error.result, values.json);
        throw error;
    }
}
const deployCommand = {
    usage,
    run,
};


/***/ }),

/***/ 635:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RN: () => (/* binding */ SAMPLE_EVENT_NAMES),
/* harmony export */   ZI: () => (/* binding */ httpGetEvent),
/* harmony export */   lg: () => (/* binding */ sampleEvent)
/* harmony export */ });
/* unused harmony exports HTTP_API_GET_EVENT, SCHEDULE_EVENT, S3_PUT_EVENT, SAMPLE_EVENTS */
/**
 * Sample Lambda events for `lambda-layer invoke --event-name`, kept as constants so the ncc
 * bundle carries them (examples/events/*.json hold the same events for users to copy and edit).
 * Shapes follow the AWS documentation of each event source: API Gateway HTTP API payload
 * format 2.0, EventBridge Scheduler/"Scheduled Event", and S3 event notification 2.1.
 */
const HTTP_API_GET_EVENT = {
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
};
const SCHEDULE_EVENT = {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2024-03-12T19:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/my-schedule'],
    detail: {},
};
const S3_PUT_EVENT = {
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
};
const SAMPLE_EVENTS = {
    'http-get': HTTP_API_GET_EVENT,
    schedule: SCHEDULE_EVENT,
    's3-put': S3_PUT_EVENT,
};
const SAMPLE_EVENT_NAMES = Object.keys(SAMPLE_EVENTS);
/** A fresh, mutable copy of a sample event. */
function sampleEvent(name) {
    return structuredClone(SAMPLE_EVENTS[name]);
}
/** The HTTP API GET sample with another path (and query string), e.g. for a 404 check. */
function httpGetEvent(path) {
    const [rawPath = '/', rawQueryString = ''] = path.split('?', 2);
    const event = structuredClone(HTTP_API_GET_EVENT);
    event.rawPath = rawPath;
    event.rawQueryString = rawQueryString;
    event.requestContext.http.path = rawPath;
    return event;
}


/***/ })

};
