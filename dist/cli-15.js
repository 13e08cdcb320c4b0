export const id = 15;
export const ids = [15];
export const modules = {

/***/ 2015:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  invokeCommand: () => (/* binding */ invokeCommand)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./src/invoke/events.ts
var events = __webpack_require__(635);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/process.ts
var src_process = __webpack_require__(4006);
// EXTERNAL MODULE: ./src/programs.ts
var programs = __webpack_require__(4122);
// EXTERNAL MODULE: ./src/resolve/interpreters.ts + 1 modules
var interpreters = __webpack_require__(726);
// EXTERNAL MODULE: ./src/target.ts
var src_target = __webpack_require__(6746);
// EXTERNAL MODULE: ./src/zip/reader.ts + 3 modules
var reader = __webpack_require__(9962);
;// CONCATENATED MODULE: ./src/invoke/layer.ts
/**
 * Puts a layer where Lambda would: its zip's `python/` under an `opt/` directory of the caller's
 * work folder. A layer.zip is extracted there; an extracted layer directory is copied there, so
 * a handler that writes under /opt changes the copy, never the user's folder. Lambda mounts /opt
 * read-only: the files of either are made read-only too (see makeFilesReadOnly for the limits).
 */






async function readManifest(dir) {
    const file = (0,external_node_path_.join)(dir, 'manifest.json');
    if (!(0,external_node_fs_.existsSync)(file))
        return undefined;
    try {
        return JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}
/**
 * `layer` is layer.zip, a build output directory holding layer.zip, a directory holding
 * python/, or python/ itself. Zips are extracted under `workDir`/opt.
 */
async function prepareLayer(layer, workDir, inputName = 'layer') {
    const path = (0,external_node_path_.resolve)(layer);
    if (!(0,external_node_fs_.existsSync)(path))
        throw new errors/* InputError */.dz(inputName, `${layer} does not exist`);
    const extract = async (zip) => {
        const optDir = (0,external_node_path_.join)(workDir, 'opt');
        await (0,reader/* extractZip */.JE)(zip, optDir, { maxBytes: src_target/* LAMBDA_LIMITS */.FZ.unzippedBytes });
        makeFilesReadOnly(optDir);
        if (!(0,external_node_fs_.existsSync)((0,external_node_path_.join)(optDir, 'python'))) {
            throw new errors/* InputError */.dz(inputName, `${zip} has no python/ folder at its root, so Lambda would not find its packages`, {
                hint: 'a Python layer zip must hold python/<package>; build it with lambda-layer build',
            });
        }
        return { optDir, source: zip, manifest: await readManifest((0,external_node_path_.dirname)(zip)) };
    };
    if ((0,external_node_fs_.statSync)(path).isFile()) {
        if (!path.endsWith('.zip'))
            throw new errors/* InputError */.dz(inputName, `${layer} is neither a .zip nor a directory`);
        return extract(path);
    }
    const copy = (from, to) => {
        const optDir = (0,external_node_path_.join)(workDir, 'opt');
        copyReadOnly(from, (0,external_node_path_.join)(workDir, to), inputName);
        return optDir;
    };
    if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(path, 'python')))
        return { optDir: copy(path, 'opt'), source: path, manifest: await readManifest(path) };
    if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(path, 'layer.zip')))
        return extract((0,external_node_path_.join)(path, 'layer.zip'));
    if ((0,external_node_path_.basename)(path) === 'python') {
        return {
            optDir: copy(path, (0,external_node_path_.join)('opt', 'python')),
            source: path,
            manifest: await readManifest((0,external_node_path_.dirname)(path)),
        };
    }
    throw new errors/* InputError */.dz(inputName, `${layer} holds neither python/ nor layer.zip`, {
        hint: 'pass the layer.zip, the build output directory, or a directory containing python/',
    });
}
/**
 * Copies a layer directory (symlinks as they are, timestamps kept so timestamp-based pycs stay
 * valid; a reflink where the file system can) and makes the copy's files read-only.
 */
function copyReadOnly(from, to, inputName) {
    try {
        (0,external_node_fs_.cpSync)(from, to, {
            recursive: true,
            verbatimSymlinks: true,
            preserveTimestamps: true,
            mode: external_node_fs_.constants.COPYFILE_FICLONE,
        });
    }
    catch (error) {
        const code = error.code ?? error.message;
        throw new errors/* InputError */.dz(inputName, `${from} could not be copied to a private /opt (${to}): ${code}`, {
            hint: 'check that every file in the layer folder is readable, or pass the layer.zip instead',
        });
    }
    makeFilesReadOnly(to);
}
/**
 * Takes the write bits off every file under `dir`, as Lambda's read-only /opt would refuse a
 * handler's writes. Directories stay writable: the caller removes the work folder afterwards,
 * which a user without root could not do through a read-only directory. Root ignores modes
 * anyway; the private copy is what keeps the user's own folder unchanged.
 */
function makeFilesReadOnly(dir) {
    for (const entry of (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })) {
        const full = (0,external_node_path_.join)(dir, entry.name);
        if (entry.isDirectory())
            makeFilesReadOnly(full);
        else if (entry.isFile())
            (0,external_node_fs_.chmodSync)(full, (0,external_node_fs_.lstatSync)(full).mode & 0o555);
    }
}

;// CONCATENATED MODULE: ./src/invoke/index.ts
/**
 * `lambda-layer invoke`: runs a handler against exactly the built layer, in an isolated
 * interpreter of the target's Python version, and returns what Lambda would: the handler's
 * response, or an error object shaped like Lambda's. The "test before you deploy" step.
 */










/** Hints for the import failures people meet first. */
function importHint(error) {
    if (error.errorType !== 'Runtime.ImportModuleError')
        return undefined;
    if (/No module named '(boto3|botocore)/.test(error.errorMessage)) {
        return "Lambda's Python runtime ships boto3/botocore itself; to use them locally, add them to the layer or --code";
    }
    if (/No module named/.test(error.errorMessage)) {
        return 'the layer (or --code) does not contain that module: add it to requirements.txt and rebuild the layer';
    }
    return undefined;
}
function describeLambdaError(error) {
    const hint = importHint(error);
    return `${error.errorType}: ${error.errorMessage}${hint ? `\n  -> ${hint}` : ''}`;
}
async function invokeHandler(options, log) {
    if (!/^[A-Za-z_][\w./]*\.[A-Za-z_]\w*$/.test(options.handler)) {
        throw new errors/* InputError */.dz('handler', `"${options.handler}" is not module.function (for example app.handler)`);
    }
    const codeDir = (0,external_node_path_.resolve)(options.codeDir ?? '.');
    if (!(0,external_node_fs_.existsSync)(codeDir))
        throw new errors/* InputError */.dz('code', `${codeDir} does not exist`);
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'lambda-layer-invoke-'));
    try {
        const layer = await prepareLayer(options.layer, work);
        const runtime = options.runtime ?? layer.manifest?.target?.runtime ?? src_target/* DEFAULT_RUNTIME */.JA;
        const target = (0,src_target/* resolveTarget */.u1)(runtime, layer.manifest?.target?.architecture ?? 'x86_64');
        const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
        if (target.architecture !== hostArch) {
            log.warn(`the layer targets ${target.architecture} but this machine is ${hostArch}: compiled extensions will not load`);
        }
        const interpreter = await (0,interpreters/* findInterpreter */.A)(target.pythonVersion, options.python, {
            log,
            inputName: 'python',
        });
        if (!interpreter) {
            throw new errors/* UserError */.yo(`no Python ${target.pythonVersion} interpreter found to run ${runtime} code`, {
                hint: `install Python ${target.pythonVersion} (actions/setup-python, pyenv) or pass --python PATH`,
            });
        }
        const bootstrap = (0,programs/* programPath */.kx)('invoke/bootstrap.py');
        const eventFile = (0,external_node_path_.join)(work, 'event.json');
        const resultFile = (0,external_node_path_.join)(work, 'result.json');
        await (0,promises_.writeFile)(eventFile, JSON.stringify(options.event ?? {}));
        const timeoutSeconds = options.timeoutSeconds ?? 30;
        const functionName = options.functionName ?? 'local-function';
        const memoryMb = options.memoryMb ?? 1024;
        const env = {
            ...process.env,
            ...options.env,
            // What the Lambda runtime sets for every function.
            LAMBDA_TASK_ROOT: codeDir,
            AWS_LAMBDA_FUNCTION_NAME: functionName,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
            AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
            AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
            AWS_REGION: options.env?.AWS_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
            PYTHONUNBUFFERED: '1',
        };
        const lines = [];
        log.info(`Invoking ${options.handler} with Python ${interpreter.version} (${interpreter.path}), layer ${layer.source}`);
        const run = await (0,src_process/* runProcess */.R)(interpreter.path, [
            '-I',
            '-S',
            '-B',
            bootstrap,
            codeDir,
            layer.optDir,
            options.handler,
            eventFile,
            resultFile,
            String(timeoutSeconds),
            functionName,
            String(memoryMb),
        ], {
            cwd: codeDir,
            env,
            environment: 'user', // the user's handler, run as Lambda would with the variables given
            // The bootstrap enforces the function timeout; this bound adds time for the interpreter
            // to start and import the handler (Lambda's init phase allows 10 s).
            timeoutMs: (timeoutSeconds + 15) * 1000,
            onLine: (line) => {
                lines.push(line);
                log.info(`  | ${line}`);
            },
        });
        const logs = lines.join('\n');
        if (run.timedOut) {
            const error = {
                errorMessage: `Task timed out after ${timeoutSeconds} seconds`,
                errorType: 'Sandbox.Timedout',
                stackTrace: [],
            };
            return { ok: false, error, logs, interpreter, runtime, durationMs: run.durationMs };
        }
        if (!(0,external_node_fs_.existsSync)(resultFile)) {
            const error = {
                errorMessage: `the Python process exited (code ${run.code ?? run.signal}) before the handler returned`,
                errorType: 'Runtime.ExitError',
                stackTrace: [],
            };
            return { ok: false, error, logs, interpreter, runtime, durationMs: run.durationMs };
        }
        const result = JSON.parse(await (0,promises_.readFile)(resultFile, 'utf8'));
        return { ...result, logs, interpreter, runtime, durationMs: run.durationMs };
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}

// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: ./src/cli/choices.ts
var choices = __webpack_require__(5842);
// EXTERNAL MODULE: ./src/cli/parse.ts
var parse = __webpack_require__(9537);
;// CONCATENATED MODULE: ./src/cli/invoke.ts
/** `lambda-layer invoke`: run a handler against exactly the built layer before deploying it. */










const usage = `Usage: ${version/* TOOL_NAME */.l} invoke --layer DIR|layer.zip --handler module.function [options]

Run a Lambda handler locally against exactly the built layer: the layer is placed as Lambda's
/opt, and an isolated interpreter of the runtime's Python version (no site-packages of this
machine) imports the handler from --code and calls it with the event. Prints the response
(or Lambda's error object) as JSON on stdout; the function's own output goes to stderr.

Options:
  --layer PATH          layer.zip, a build output directory, or a directory holding python/ (required)
  --handler NAME        module.function, as the function's Handler setting (required)
  --code DIR            the function code, Lambda's /var/task (default: .)
  --event FILE          event JSON file
  --event-name NAME     a sample event: ${events/* SAMPLE_EVENT_NAMES */.RN.join(' | ')}
                        (default: an empty event {})
  --runtime NAME        Lambda runtime (default: the layer manifest's, else ${src_target/* DEFAULT_RUNTIME */.JA}):
                        ${(0,choices/* runtimeChoices */.r)()}
  --python PATH         interpreter of that runtime's Python version (default: found)
  --timeout SECONDS     function timeout (default: 30)
  --verbose             show debug output`;
async function loadEvent(cwd, file, name) {
    if (file && name)
        throw new parse/* UsageError */.e('pass --event or --event-name, not both');
    if (name) {
        if (!events/* SAMPLE_EVENT_NAMES */.RN.includes(name)) {
            throw new errors/* InputError */.dz('event-name', `"${name}" is not a sample event; choose ${events/* SAMPLE_EVENT_NAMES */.RN.join(', ')}`);
        }
        return (0,events/* sampleEvent */.lg)(name);
    }
    if (!file)
        return {};
    const path = (0,external_node_path_.resolve)(cwd, file);
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        throw new errors/* InputError */.dz('event', `cannot read ${path}: ${error.code ?? error}`);
    }
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new errors/* InputError */.dz('event', `${path} is not valid JSON: ${error.message}`);
    }
}
async function run(argv, io) {
    const { values } = (0,parse/* parseCommandArgs */.Q)(argv, {
        layer: { type: 'string' },
        handler: { type: 'string' },
        code: { type: 'string' },
        event: { type: 'string' },
        'event-name': { type: 'string' },
        runtime: { type: 'string' },
        python: { type: 'string' },
        timeout: { type: 'string' },
        verbose: { type: 'boolean' },
    });
    if (!values.layer)
        throw new parse/* UsageError */.e('--layer is required');
    if (!values.handler)
        throw new parse/* UsageError */.e('--handler is required');
    const timeoutMs = (0,inputs/* parseSecondsAsMs */.vZ)('timeout', values.timeout);
    const timeout = timeoutMs === undefined ? undefined : timeoutMs / 1000;
    const result = await invokeHandler({
        layer: (0,external_node_path_.resolve)(io.cwd, values.layer),
        handler: values.handler,
        event: await loadEvent(io.cwd, values.event, values['event-name']),
        codeDir: (0,external_node_path_.resolve)(io.cwd, values.code ?? '.'),
        runtime: values.runtime,
        python: values.python?.includes('/') ? (0,external_node_path_.resolve)(io.cwd, values.python) : values.python,
        timeoutSeconds: timeout,
    }, io.log);
    io.stdout.write(`${JSON.stringify(result.ok ? result.response : result.error, null, 2)}\n`);
    if (!result.ok && result.error) {
        io.log.error(describeLambdaError(result.error));
        return 1;
    }
    io.log.info(`Returned in ${result.durationMs} ms (${result.runtime}, Python ${result.interpreter.version})`);
    return 0;
}
const invokeCommand = {
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
