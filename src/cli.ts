#!/usr/bin/env node
import { TOOL_VERSION } from './version.js';

console.log(TOOL_VERSION);
