#!/usr/bin/env node
// The `lake` command. Sources are TypeScript; tsx compiles them on the fly.
import { register } from 'tsx/esm/api';

// The twin runs on Node 20 by design (Lambda runs 22); the SDK's notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
