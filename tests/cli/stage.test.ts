/**
 * `lake --stage NAME`: commands aimed at a deployed stage say clearly what is missing, and the
 * twin-only commands refuse the option. No network: credentials are absent and instance metadata
 * is disabled, so the SDK fails before any request.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const env = {
  PATH: process.env.PATH ?? '',
  HOME: '/nonexistent',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
};

function lake(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lake.js', ...args], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lake dead-letters', () => {
  it('in the twin exits 2: dead letters are kept by a deployed stage', () => {
    const r = lake('--dir', '/nonexistent/lake', 'dead-letters');
    expect(r.code).toBe(2);
    expect(r.err).toContain('deployed stage');
    expect(r.err).toContain('lake reconcile');
  });

  it('against a stage without credentials exits 3 like the other stage commands', () => {
    const r = lake('--stage', 'dev', 'dead-letters');
    expect(r.code).toBe(3);
    expect(r.err).toContain('AwsCredentialsError');
  });
});

describe('lake --stage', () => {
  it('without AWS credentials exits 3 and says how to provide them', () => {
    const r = lake('--stage', 'dev', 'executions');
    expect(r.code).toBe(3);
    expect(r.err).toContain('AwsCredentialsError');
    expect(r.err).toContain('hint:');
  });

  it.each([
    ['dev', 'npx sst dev'],
    ['tables', 'SHOW TABLES'],
  ])('refuses %s, which is twin-only, with exit 2 and a way forward', (command, hint) => {
    const r = lake('--stage', 'dev', command);
    expect(r.code).toBe(2);
    expect(r.err).toContain(hint);
  });
});
