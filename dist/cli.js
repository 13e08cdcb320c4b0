#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 581:
/***/ ((module, __webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ main)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_url__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _cli_commands_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(654);
/* harmony import */ var _cli_parse_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(473);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(916);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(625);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(13);
/** CLI entry: `lambda-layer <command> [options]`. Thin: parse, dispatch, report errors. */







function overview() {
    const width = Math.max(..._cli_commands_js__WEBPACK_IMPORTED_MODULE_5__/* .COMMANDS */ .L.map((c) => c.name.length), 4);
    return [
        `${_version_js__WEBPACK_IMPORTED_MODULE_4__/* .TOOL_NAME */ .l} ${_version_js__WEBPACK_IMPORTED_MODULE_4__/* .TOOL_VERSION */ .w}: build, verify, publish and deploy Python layers for AWS Lambda`,
        '',
        `Usage: ${_version_js__WEBPACK_IMPORTED_MODULE_4__/* .TOOL_NAME */ .l} <command> [options]   (${_version_js__WEBPACK_IMPORTED_MODULE_4__/* .TOOL_NAME */ .l} <command> --help for its options)`,
        '',
        'Commands:',
        ..._cli_commands_js__WEBPACK_IMPORTED_MODULE_5__/* .COMMANDS */ .L.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    ].join('\n');
}
async function main(argv, io) {
    const verbose = argv.includes('--verbose');
    const fullIO = {
        stdout: io?.stdout ?? process.stdout,
        log: io?.log ?? (0,_log_js__WEBPACK_IMPORTED_MODULE_6__/* .streamLogger */ .V)({ verbose }),
        env: io?.env ?? process.env,
        cwd: io?.cwd ?? process.cwd(),
    };
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
        fullIO.stdout.write(`${overview()}\n`);
        return name ? 0 : 2;
    }
    if (name === '--version' || name === '-v') {
        fullIO.stdout.write(`${_version_js__WEBPACK_IMPORTED_MODULE_4__/* .TOOL_VERSION */ .w}\n`);
        return 0;
    }
    const command = _cli_commands_js__WEBPACK_IMPORTED_MODULE_5__/* .COMMANDS */ .L.find((c) => c.name === name);
    if (!command) {
        fullIO.log.error(`unknown command "${name}"\n\n${overview()}`);
        return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
        fullIO.stdout.write(`${command.usage}\n`);
        return 0;
    }
    try {
        return await command.run(rest, fullIO);
    }
    catch (error) {
        if (error instanceof _cli_parse_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .e) {
            fullIO.log.error(`${error.message}\n\n${command.usage}`);
            return 2;
        }
        fullIO.log.error((0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .describeError */ .Uc)(error));
        return error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UserError */ .yo ? 1 : 70;
    }
}
// Run only when executed directly (bundled dist/cli.js or `tsx src/cli.ts`), not when imported by tests.
const invokedPath = process.argv[1] ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(process.argv[1]) : '';
if (invokedPath === (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)((0,node_url__WEBPACK_IMPORTED_MODULE_1__.fileURLToPath)(import.meta.url))) {
    process.exitCode = await main(process.argv.slice(2));
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 654:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ COMMANDS)
/* harmony export */ });
const COMMANDS = [];


/***/ }),

/***/ 473:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ UsageError)
});

// UNUSED EXPORTS: parseCommandArgs

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(916);
;// CONCATENATED MODULE: ./src/cli/parse.ts
/** Argument parsing shared by the commands: node's parseArgs with errors that name the flag. */


/** A usage mistake: the CLI prints the message and the command's usage, exit code 2. */
class UsageError extends errors/* UserError */.yo {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
function parseCommandArgs(argv, options, allowPositionals = false) {
    try {
        return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    }
    catch (error) {
        // parseArgs messages already name the flag ("Unknown option '--foo'").
        throw new UsageError(error instanceof Error ? error.message : String(error));
    }
}


/***/ }),

/***/ 916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   yo: () => (/* binding */ UserError)
/* harmony export */ });
/* unused harmony exports InputError, ResolutionError */
/**
 * Typed errors decide how a failure is reported: a UserError is the user's to fix and is
 * printed as one clear message (no stack); anything else is a bug and keeps its stack.
 */
/** A failure the user can act on. `hint` says what to do. */
class UserError extends Error {
    hint;
    constructor(message, options = {}) {
        super(message, { cause: options.cause });
        this.name = 'UserError';
        this.hint = options.hint;
    }
}
/** A bad value for a named input (action input or CLI flag). */
class InputError extends UserError {
    input;
    constructor(input, message, options = {}) {
        super(`Input "${input}": ${message}`, options);
        this.name = 'InputError';
        this.input = input;
    }
}
/** A requirement that cannot be satisfied for the target. */
class ResolutionError extends UserError {
    packageName;
    location;
    constructor(message, options = {}) {
        super(message, options);
        this.name = 'ResolutionError';
        this.packageName = options.packageName;
        this.location = options.location;
    }
}
function describeError(error) {
    if (error instanceof UserError) {
        return error.hint ? `${error.message}\n  -> ${error.hint}` : error.message;
    }
    if (error instanceof Error)
        return error.stack ?? error.message;
    return String(error);
}


/***/ }),

/***/ 625:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ streamLogger)
/* harmony export */ });
/* unused harmony export memoryLogger */
/** Writes human-readable lines to a stream (stderr by default). */
function streamLogger(options = {}) {
    const stream = options.stream ?? process.stderr;
    const write = (line) => {
        stream.write(`${line}\n`);
    };
    const at = (where) => where ? ` (${where.file}${where.line ? `:${where.line}` : ''})` : '';
    return {
        info: (message) => write(message),
        warn: (message, where) => write(`warning${at(where)}: ${message}`),
        error: (message, where) => write(`error${at(where)}: ${message}`),
        debug: (message) => {
            if (options.verbose)
                write(`debug: ${message}`);
        },
        async group(title, work) {
            write(`== ${title}`);
            return work();
        },
    };
}
/** Collects lines in memory: for tests that assert on what a stage said. */
function memoryLogger() {
    const lines = [];
    return {
        lines,
        info: (m) => lines.push(`info: ${m}`),
        warn: (m) => lines.push(`warn: ${m}`),
        error: (m) => lines.push(`error: ${m}`),
        debug: (m) => lines.push(`debug: ${m}`),
        async group(title, work) {
            lines.push(`group: ${title}`);
            return work();
        },
    };
}


/***/ }),

/***/ 13:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  l: () => (/* binding */ TOOL_NAME),
  w: () => (/* binding */ TOOL_VERSION)
});

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/version.ts

const TOOL_NAME = 'lambda-layer';
const TOOL_VERSION = package_namespaceObject.rE;


/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ var __webpack_exports__main = __webpack_exports__.i;
/******/ export { __webpack_exports__main as main };
/******/ 
