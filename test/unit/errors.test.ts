// Every error code is documented for operators (CONVENTIONS 5): the README's table names each.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.ts';

const START_ONLY = ['BRY_CONFIG_INVALID', 'BRY_DATA_DIR_IN_USE', 'BRY_AUTH_NOT_CONFIGURED', 'BRY_PORT_IN_USE', 'BRY_NO_DATA', 'BRY_INTERNAL'];

describe('error codes', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each(Object.entries(ERRORS))('%s is in the README with its status and retryability', (code, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\``));
    expect(row, `README row for ${code}`).toBeDefined();
    // Errors at start are not HTTP answers: their status column is a dash.
    expect(row).toContain(START_ONLY.includes(code) ? '—' : String(spec.status));
    expect(row).toContain(spec.retryable ? '| yes |' : '| no |');
  });
});
