// Dotted paths into canonical event data (`client.personnummer`, `desiredUnits.0.name`): reading and setting.
export function getPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Sets a dotted path, making objects on the way (arrays where the next step is a number). */
export function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let current = data;
  steps.slice(0, -1).forEach((step, i) => {
    current[step] ??= /^\d+$/.test(steps[i + 1]!) ? [] : {};
    current = current[step] as Record<string, unknown>;
  });
  current[steps[steps.length - 1]!] = value;
}
