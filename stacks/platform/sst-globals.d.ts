/**
 * The parts of SST v4's global API that `sst.config.ts` and `stacks/` use, declared by hand so they
 * type-check where `sst install` cannot run (it downloads Pulumi and providers). Every declaration
 * mirrors SST 4.17.1's platform source (`.sst/platform/src/…`, extracted by the `sst` binary);
 * the file and symbol are named on each. `aws` and `$util` are the real `@pulumi/aws` v7 and
 * `@pulumi/pulumi` types. With a real `sst install`, use `.sst/platform/config.d.ts` instead
 * (`stacks/tsconfig.sst.json`).
 */
import * as pulumi from '@pulumi/pulumi';
import * as _aws from '@pulumi/aws';

/** `Input<T>` as SST re-exports it from Pulumi (src/components/input.ts). */
type Input<T> = pulumi.Input<T>;

/** src/components/duration.ts: `Duration`, `DurationMinutes`, `DurationDays` (template strings). */
type DurationUnit = 'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';
type Duration = `${number} ${DurationUnit}`;
type DurationMinutes = `${number} ${'second' | 'seconds' | 'minute' | 'minutes'}`;
type DurationDays = `${number} ${'day' | 'days'}`;
/** src/components/size.ts: `Size`. */
type Size = `${number} ${'MB' | 'GB'}`;

/** src/components/component.ts: `Transform<T>`. */
type Transform<T> =
  Partial<T> | ((args: T, opts: pulumi.CustomResourceOptions, name: string) => undefined);

/** src/components/aws/bucket.ts: `BucketLifecycleArgs`. */
interface BucketLifecycleArgs {
  id?: Input<string>;
  prefix?: Input<string>;
  enabled?: Input<boolean>;
  expiresIn?: Input<DurationDays>;
  expiresAt?: Input<string>;
}

/** src/components/aws/bucket.ts: `BucketArgs` (the fields this app sets). */
interface BucketArgs {
  access?: Input<'public' | 'cloudfront'>;
  enforceHttps?: Input<boolean>;
  cors?: Input<false | Record<string, unknown>>;
  lifecycle?: Input<Input<BucketLifecycleArgs>[]>;
  versioning?: Input<boolean>;
  transform?: {
    bucket?: Transform<_aws.s3.BucketArgs>;
    policy?: Transform<_aws.s3.BucketPolicyArgs>;
    versioning?: Transform<_aws.s3.BucketVersioningArgs>;
    lifecycle?: Transform<_aws.s3.BucketLifecycleConfigurationArgs>;
    publicAccessBlock?: Transform<_aws.s3.BucketPublicAccessBlockArgs> | false;
  };
}

/** src/components/aws/function.ts: `FunctionPermissionArgs`. */
interface FunctionPermissionArgs {
  effect?: 'allow' | 'deny';
  actions: string[];
  resources: Input<Input<string>[]>;
}

/** src/components/aws/function.ts: `FunctionArgs` (the fields this app sets). */
interface FunctionArgs {
  handler: Input<string>;
  description?: Input<string>;
  runtime?: Input<
    | 'nodejs18.x'
    | 'nodejs20.x'
    | 'nodejs22.x'
    | 'nodejs24.x'
    | 'go'
    | 'rust'
    | 'provided.al2023'
    | 'python3.11'
    | 'python3.12'
  >;
  architecture?: Input<'x86_64' | 'arm64'>;
  memory?: Input<Size>;
  timeout?: Input<DurationMinutes>;
  environment?: Input<Record<string, Input<string>>>;
  permissions?: Input<FunctionPermissionArgs[]>;
  link?: Input<unknown[]>;
  logging?: Input<
    | false
    | {
        retention?: Input<
          | '1 day'
          | '1 week'
          | '2 weeks'
          | '1 month'
          | '3 months'
          | '6 months'
          | '1 year'
          | 'forever'
        >;
        logGroup?: Input<string>;
        format?: Input<'text' | 'json'>;
      }
  >;
  copyFiles?: Input<{ from: Input<string>; to?: Input<string> }[]>;
  nodejs?: Input<{
    install?: Input<string[] | Record<string, string>>;
    format?: Input<'cjs' | 'esm'>;
    minify?: Input<boolean>;
    sourcemap?: Input<boolean>;
  }>;
  retries?: Input<number>;
  transform?: {
    function?: Transform<_aws.lambda.FunctionArgs>;
    role?: Transform<_aws.iam.RoleArgs>;
    logGroup?: Transform<_aws.cloudwatch.LogGroupArgs>;
  };
}

/** src/config.ts: `AppInput`, `App`, `Config` (the fields this app sets). */
interface SstAppInput {
  stage: string;
}
interface SstApp {
  name: string;
  removal?: 'remove' | 'retain' | 'retain-all';
  protect?: boolean;
  home: 'aws' | 'cloudflare' | 'local';
  providers?: Record<string, unknown>;
}
interface SstConfig {
  app(input: SstAppInput): SstApp;
  run(): Promise<Record<string, unknown> | void>;
}

declare global {
  /** src/global.d.ts: `$config` (src/config.ts `$config(input: Config): Config`). */
  const $config: (input: SstConfig) => SstConfig;
  /** src/global.d.ts: `$app`. */
  const $app: Readonly<{
    name: string;
    stage: string;
    removal: 'remove' | 'retain' | 'retain-all';
    protect: boolean;
  }>;
  /** src/global.d.ts: `$dev` (true under `sst dev`). */
  const $dev: boolean;
  /** src/global.d.ts: `$interpolate` and `$jsonStringify` are Pulumi's `interpolate` and `jsonStringify`. */
  const $interpolate: typeof pulumi.interpolate;
  const $jsonStringify: typeof pulumi.jsonStringify;

  /** `.sst/platform/config.d.ts` (generated): `export import aws = _aws`. */
  // @ts-expect-error -- the same construct SST's generated config.d.ts uses
  export import aws = _aws;
  /** src/global.d.ts: `export import $util = util` (Pulumi). */
  // @ts-expect-error -- as in SST's src/global.d.ts
  export import $util = pulumi;

  namespace sst.aws {
    /** src/components/aws/bucket.ts: `class Bucket` (name, arn, nodes.bucket). */
    class Bucket extends pulumi.ComponentResource {
      constructor(name: string, args?: BucketArgs, opts?: pulumi.ComponentResourceOptions);
      get name(): pulumi.Output<string>;
      get arn(): pulumi.Output<string>;
      get domain(): pulumi.Output<string>;
      get nodes(): { bucket: pulumi.Output<_aws.s3.Bucket> };
    }
    /** src/components/aws/function.ts: `class Function` (name, arn, nodes.function/role). */
    class Function extends pulumi.ComponentResource {
      constructor(name: string, args: FunctionArgs, opts?: pulumi.ComponentResourceOptions);
      get name(): pulumi.Output<string>;
      get arn(): pulumi.Output<string>;
      get nodes(): { function: pulumi.Output<_aws.lambda.Function>; role: _aws.iam.Role };
    }
  }
}
