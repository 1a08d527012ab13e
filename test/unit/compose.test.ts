// docker-compose.yml and the Dockerfile cannot run here (no Docker engine): `docker compose
// config` (or Compose v1's `docker-compose config`, which `.ci/run` installs) parses and resolves
// the compose file, and the checks below hold what it resolved to what the code reads and needs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG_FILE, SETTINGS_ENV } from '../../src/config/settings.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const REQUIRED = { LIFECARE_URL: 'http://lifecare.example:8090/lifecare/meddelanden', BRYGGA_PSEUDONYM_KEY: 'a-test-key-of-16-or-more', BRYGGA_OPERATOR_KEY: 'an-operator-key-for-the-test' };

/** `docker compose` when the plugin is there, else Compose v1's `docker-compose`. */
function composeCommand(): string[] {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    if (spawnSync(command[0]!, [...command.slice(1), 'version'], { stdio: 'ignore' }).status === 0) return command;
  }
  throw new Error('neither `docker compose` nor `docker-compose` is installed (Debian: apt-get install docker-compose; .ci/run does)');
}

function composeConfig(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const [command, ...args] = composeCommand();
  const run = spawnSync(command!, [...args, '-f', 'docker-compose.yml', 'config'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Mount { type: string; source: string; target: string }
interface Service {
  image?: string;
  build?: { context: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  ports?: unknown[];
  expose?: unknown[];
  volumes?: (string | Mount)[];
  restart?: string;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}
interface Compose { services: Record<string, Service>; volumes?: Record<string, unknown> }

/** A mount in either form `config` prints: Compose v2's long syntax or v1's `source:target:mode`. */
function mounts(service: Service): Mount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return v;
    const [source, target] = v.split(':') as [string, string];
    return { type: source.startsWith('/') || source.startsWith('.') ? 'bind' : 'volume', source, target };
  });
}

const resolved = composeConfig(REQUIRED);
const compose = parse(resolved.stdout ?? '') as Compose;
const { kafka, redis, brygga, proxy } = compose.services ?? {};

describe('docker-compose.yml', () => {
  it('parses with `docker compose config` and refuses to resolve without the endpoint and secrets it needs', () => {
    expect(resolved.stderr).not.toMatch(/error/i);
    expect(resolved.status).toBe(0);
    expect(Object.keys(compose.services).sort()).toEqual(['brygga', 'kafka', 'proxy', 'redis']);
    for (const name of Object.keys(REQUIRED)) {
      const missing = composeConfig(Object.fromEntries(Object.entries(REQUIRED).filter(([key]) => key !== name)));
      expect(missing.status, name).not.toBe(0);
      expect(missing.stderr).toContain(name);
    }
  });

  it("keeps Kafka's log on its volume: every KAFKA_LOG_DIRS entry is under a named volume's mount", () => {
    const logDirs = String(kafka!.environment!.KAFKA_LOG_DIRS ?? '').split(',').filter(Boolean);
    expect(logDirs.length).toBeGreaterThan(0);
    const named = mounts(kafka!).filter((m) => m.type === 'volume' && compose.volumes?.[m.source] !== undefined);
    for (const dir of logDirs) expect(named.some((m) => dir === m.target || dir.startsWith(`${m.target}/`)), dir).toBe(true);
  });

  it('runs Apache Kafka 4.x in KRaft mode and Redis with persistence on its volume', () => {
    expect(kafka!.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect([redis!.command].flat().join(' ')).toContain('--appendonly yes');
    expect(mounts(redis!).map((m) => [m.type, m.target])).toContainEqual(['volume', '/data']);
  });

  it('builds Brygga from the Dockerfile, with no checkout mounted and no npm ci at start', () => {
    const context = typeof brygga!.build === 'string' ? brygga!.build : brygga!.build!.context;
    expect(context.replace(/\/$/, '')).toBe(root.replace(/\/$/, ''));
    expect(mounts(brygga!).filter((m) => m.type === 'bind')).toEqual([]);
    expect(String(brygga!.command ?? '')).not.toContain('npm');
  });

  it('restarts every service unless stopped and checks Brygga through /health', () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.restart, name).toBe('unless-stopped');
    expect(brygga!.healthcheck!.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    expect(read('scripts/healthcheck.mjs')).toContain('/health');
    expect(Object.keys(brygga!.depends_on ?? {}).sort()).toEqual(['kafka', 'redis']);
  });

  it('scales Brygga without a host port clash: replicas publish nothing, the proxy spreads requests to them', () => {
    expect(brygga!.ports ?? []).toEqual([]);
    expect(proxy!.ports).toHaveLength(1);
    expect(proxy!.depends_on?.brygga?.condition).toBe('service_healthy');
    const conf = read('deploy/nginx.conf');
    expect(conf).toMatch(/resolver 127\.0\.0\.11/);
    expect(conf).toMatch(/set \$brygga http:\/\/brygga:8080;/);
  });

  it('gives Brygga only environment variables the code or the configuration reads', () => {
    const configVariables = [...readFileSync(DEFAULT_CONFIG_FILE, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    const known = new Set<string>([...SETTINGS_ENV, ...configVariables]);
    expect(Object.keys(brygga!.environment!).filter((name) => !known.has(name))).toEqual([]);
    expect(brygga!.environment).toHaveProperty('BRYGGA_KAFKA_REPLICATION_FACTOR');
    expect(brygga!.environment).toHaveProperty('BRYGGA_OPERATOR_KEY');
    expect(brygga!.environment!.HOST).toBe('0.0.0.0');
  });

  it('points Brygga at the compose services by their names and listeners', () => {
    const env = brygga!.environment!;
    expect(kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).toContain(String(env.KAFKA_BROKERS));
    expect(new URL(String(env.REDIS_URL)).hostname).toBe('redis');
    expect(String(env.BRYGGA_CONFIG)).toBe('/app/config/brygga.example.yaml');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  it('builds in stages on Node 24 LTS and installs production dependencies only, which include tsx', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(pkg.dependencies).toHaveProperty('tsx');
    expect(read('scripts/brygga.mjs')).toContain("from 'tsx/esm/api'");
  });

  it('runs as an unprivileged user on 0.0.0.0, keeps /data as a volume and checks its health without curl', () => {
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^ENV HOST=0\.0\.0\.0/m);
    expect(final).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(final).toMatch(/^HEALTHCHECK .*CMD \["node", "scripts\/healthcheck\.mjs"\]$/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "scripts\/brygga\.mjs"\]\nCMD \["start"\]$/m);
  });

  it('carries the OCI labels of a published image, licence EUPL-1.2 as package.json says', () => {
    expect(final).toContain('org.opencontainers.image.licenses="EUPL-1.2"');
    expect(final).toContain('org.opencontainers.image.source=');
    expect((JSON.parse(read('package.json')) as { license: string }).license).toBe('EUPL-1.2');
  });

  it('sends the image what Brygga runs and leaves tests out', () => {
    const ignore = read('.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    for (const kept of ['package.json', 'package-lock.json', 'config/', 'src/', 'connectors/', 'scripts/brygga.mjs', 'scripts/healthcheck.mjs', 'LICENSE']) expect(ignore).toContain(`!${kept}`);
    expect(ignore).toContain('**/*.test.ts');
  });
});
