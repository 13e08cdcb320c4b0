import pkg from '../package.json' with { type: 'json' };

export const TOOL_NAME = 'lambda-layer';
export const TOOL_VERSION: string = pkg.version;
