#!/usr/bin/env bash
# Type-check sst.config.ts and stacks/ against SST's own platform source instead of the hand-written
# stacks/platform/sst-globals.d.ts. The `sst` binary (npm package `sst`) extracts its platform into
# .sst/platform offline; its next step (downloading Pulumi, bun install) fails without internet,
# which is expected here. Without a real `sst install`, config.d.ts is written the way SST
# generates it (aws provider only). Errors inside SST's platform files (compiled with this repo's
# stricter options, optional providers missing) are not ours and are filtered out.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d .sst/platform/src ]; then
  SST_STAGE="${SST_STAGE:-typecheck}" SST_TELEMETRY_DISABLED=1 SST_SKIP_DEPENDENCY_CHECK=1 \
    timeout 300 npx --no-install sst install >/dev/null 2>&1 || true
fi
if [ ! -d .sst/platform/src ]; then echo "could not extract SST's platform (.sst/platform)"; exit 2; fi
if [ ! -f .sst/platform/config.d.ts ]; then
  cat > .sst/platform/config.d.ts <<'DTS'
import "./src/global.d.ts";
import { AppInput, App, Config } from "./src/config";
import * as _aws from "@pulumi/aws";
declare global {
  // @ts-expect-error
  export import aws = _aws;
  interface Providers {
    providers?: { aws?: (_aws.ProviderArgs & { version?: string }) | boolean | string };
  }
  export const $config: (
    input: Omit<Config, "app"> & { app(input: AppInput): Omit<App, "providers"> & Providers },
  ) => Config;
}
DTS
fi
out="$(npx tsc --noEmit -p stacks/tsconfig.sst.json 2>&1 | grep -E '^(sst\.config\.ts|stacks/|src/|workflows/)')"
if [ -n "$out" ]; then echo "$out"; exit 1; fi
echo "sst.config.ts and stacks/ type-check against SST $(cat .sst/platform/version 2>/dev/null || echo '?') platform source"
