/**
 * `lambda-layer invoke`: runs a handler against exactly the built layer, in an isolated
 * interpreter of the target's Python version, and returns what Lambda would: the handler's
 * response, or an error object shaped like Lambda's. The "test before you deploy" step.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { runProcess } from '../process.js';
import { programPath } from '../programs.js';
import { findInterpreter, type PythonInterpreter } from '../resolve/interpreters.js';
import { DEFAULT_RUNTIME, resolveTarget } from '../target.js';
import { prepareLayer } from './layer.js';

export interface InvokeOptions {
  /** layer.zip, a build output directory, or a directory holding python/. */
  readonly layer: string;
  /** "module.function" (module may be a dotted or slashed path), as in the function's Handler. */
  readonly handler: string;
  /** The event object (parsed JSON). */
  readonly event: unknown;
  /** The function code (Lambda's /var/task); default the current directory. */
  readonly codeDir?: string;
  /** Lambda runtime, default the layer manifest's runtime, else python3.11. */
  readonly runtime?: string;
  /** Interpreter of the runtime's Python version; found when absent. */
  readonly python?: string;
  /** Function timeout (what context.get_remaining_time_in_millis counts down), default 30 s. */
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  readonly functionName?: string;
  /** Extra environment for the function (like the function's Environment.Variables). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LambdaError {
  readonly errorMessage: string;
  readonly errorType: string;
  readonly stackTrace: readonly string[];
}

/** What Lambda's REPORT line reports, measured inside the interpreter (absent when it never got there). */
export interface InvokeMetrics {
  /** Importing the handler module (Lambda's Init Duration). */
  readonly initMs?: number;
  /** The handler call (Lambda's Duration). */
  readonly durationMs?: number;
  /** Peak resident memory of the interpreter (ru_maxrss), KiB. */
  readonly maxMemoryUsedKb?: number;
}

export interface InvokeResult {
  readonly ok: boolean;
  readonly response?: unknown;
  readonly error?: LambdaError;
  /** What the function printed (stdout and stderr), as CloudWatch Logs would hold it. */
  readonly logs: string;
  readonly interpreter: PythonInterpreter;
  readonly runtime: string;
  /** The whole run: interpreter start, import and handler. */
  readonly durationMs: number;
  readonly metrics?: InvokeMetrics;
}

/** Hints for the import failures people meet first. */
function importHint(error: LambdaError): string | undefined {
  if (error.errorType !== 'Runtime.ImportModuleError') return undefined;
  if (/No module named '(boto3|botocore)/.test(error.errorMessage)) {
    return "Lambda's Python runtime ships boto3/botocore itself; to use them locally, add them to the layer or --code";
  }
  if (/No module named/.test(error.errorMessage)) {
    return 'the layer (or --code) does not contain that module: add it to requirements.txt and rebuild the layer';
  }
  return undefined;
}

export function describeLambdaError(error: LambdaError): string {
  const hint = importHint(error);
  return `${error.errorType}: ${error.errorMessage}${hint ? `\n  -> ${hint}` : ''}`;
}

export async function invokeHandler(options: InvokeOptions, log: Logger): Promise<InvokeResult> {
  if (!/^[A-Za-z_][\w./]*\.[A-Za-z_]\w*$/.test(options.handler)) {
    throw new InputError('handler', `"${options.handler}" is not module.function (for example app.handler)`);
  }
  const codeDir = resolve(options.codeDir ?? '.');
  if (!existsSync(codeDir)) throw new InputError('code', `${codeDir} does not exist`);

  const work = await mkdtemp(join(tmpdir(), 'lambda-layer-invoke-'));
  try {
    const layer = await prepareLayer(options.layer, work);
    const runtime = options.runtime ?? layer.manifest?.target?.runtime ?? DEFAULT_RUNTIME;
    const target = resolveTarget(runtime, layer.manifest?.target?.architecture ?? 'x86_64');
    const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    if (target.architecture !== hostArch) {
      log.warn(
        `the layer targets ${target.architecture} but this machine is ${hostArch}: compiled extensions will not load`,
      );
    }
    const interpreter = await findInterpreter(target.pythonVersion, options.python, {
      log,
      inputName: 'python',
    });
    if (!interpreter) {
      throw new UserError(`no Python ${target.pythonVersion} interpreter found to run ${runtime} code`, {
        hint: `install Python ${target.pythonVersion} (actions/setup-python, pyenv) or pass --python PATH`,
      });
    }

    const bootstrap = programPath('invoke/bootstrap.py');
    const eventFile = join(work, 'event.json');
    const resultFile = join(work, 'result.json');
    await writeFile(eventFile, JSON.stringify(options.event ?? {}));
    const timeoutSeconds = options.timeoutSeconds ?? 30;
    const functionName = options.functionName ?? 'local-function';
    const memoryMb = options.memoryMb ?? 1024;
    const env: NodeJS.ProcessEnv = {
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
    const lines: string[] = [];
    log.info(
      `Invoking ${options.handler} with Python ${interpreter.version} (${interpreter.path}), layer ${layer.source}`,
    );
    const run = await runProcess(
      interpreter.path,
      [
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
      ],
      {
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
      },
    );
    const logs = lines.join('\n');
    if (run.timedOut) {
      const error = {
        errorMessage: `Task timed out after ${timeoutSeconds} seconds`,
        errorType: 'Sandbox.Timedout',
        stackTrace: [],
      };
      return { ok: false, error, logs, interpreter, runtime, durationMs: run.durationMs };
    }
    if (!existsSync(resultFile)) {
      const error = {
        errorMessage: `the Python process exited (code ${run.code ?? run.signal}) before the handler returned`,
        errorType: 'Runtime.ExitError',
        stackTrace: [],
      };
      return { ok: false, error, logs, interpreter, runtime, durationMs: run.durationMs };
    }
    const result = JSON.parse(await readFile(resultFile, 'utf8')) as {
      ok: boolean;
      response?: unknown;
      error?: LambdaError;
      metrics?: InvokeMetrics;
    };
    return { ...result, logs, interpreter, runtime, durationMs: run.durationMs };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
