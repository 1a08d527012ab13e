#!/usr/bin/env node
// The container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): this instance's
// GET /health must answer 200. Node's own fetch, so the image needs no curl.
const url = `http://127.0.0.1:${process.env.PORT || 8080}/health`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!res.ok) console.error(`healthcheck: ${url} answered ${res.status}`);
  process.exitCode = res.ok ? 0 : 1;
} catch (err) {
  console.error(`healthcheck: ${url}: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
}
