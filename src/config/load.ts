// Reads the YAML configuration, substitutes ${VAR} / ${VAR:-default} from the environment and
// validates it, so a mistake is reported at start with the file, the key and what was expected.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { BryggaError } from '../errors.ts';
import { ConfigSchema, type BryggaConfig } from './schema.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: false }));
const validateConfig = ajv.compile(ConfigSchema);

// A default may hold one level of braces itself, e.g. ${FAX_GATEWAY:-{number}@fax.example.se}.
const VARIABLE = /\$\{([A-Z0-9_]+)(?::-((?:[^{}]|\{[^{}]*\})*))?\}/g;

function substitute(value: unknown, path: string, env: NodeJS.ProcessEnv, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing.push(`${path}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substitute(item, `${path}[${i}]`, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, path ? `${path}.${key}` : key, env, missing)]),
    );
  }
  return value;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): BryggaConfig {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BryggaError('BRY_CONFIG_INVALID', `${file}: cannot read configuration: ${(error as Error).message}`);
  }
  const missing: string[] = [];
  const config = substitute(raw, '', env, missing);
  if (missing.length > 0) {
    throw new BryggaError('BRY_CONFIG_INVALID', `${file}: ${missing.join('; ')}`);
  }
  if (!validateConfig(config)) {
    const problems = (validateConfig.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
      const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
      return `${key}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new BryggaError('BRY_CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  }
  return { ...(config as Omit<BryggaConfig, 'file'>), file: path };
}
