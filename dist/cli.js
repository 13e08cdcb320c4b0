#!/usr/bin/env node
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/version.ts

const TOOL_NAME = 'lambda-layer';
const TOOL_VERSION = package_namespaceObject.rE;

;// CONCATENATED MODULE: ./src/cli.ts

console.log(TOOL_VERSION);

