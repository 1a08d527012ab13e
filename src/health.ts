// What each part of a running Brygga says of itself: consuming, sweeping, delivering, or failing
// and why. /health and /ready answer 503 while any part fails, naming it.

export interface ComponentHealth {
  component: string;
  ok: boolean;
  /** When the component last changed between ok and failing. */
  since: string;
  /** Why it fails (an error message without personal data). */
  reason?: string;
}

export class HealthBoard {
  private readonly components = new Map<string, ComponentHealth>();

  constructor(private readonly now: () => number) {}

  ok(component: string): void {
    this.set(component, true);
  }

  failing(component: string, reason: string): void {
    this.set(component, false, reason);
  }

  remove(component: string): void {
    this.components.delete(component);
  }

  get healthy(): boolean {
    return [...this.components.values()].every((c) => c.ok);
  }

  snapshot(): ComponentHealth[] {
    return [...this.components.values()].map((c) => ({ ...c })).sort((a, b) => a.component.localeCompare(b.component));
  }

  private set(component: string, ok: boolean, reason?: string): void {
    const current = this.components.get(component);
    if (current?.ok === ok && current.reason === reason) return;
    const since = current?.ok === ok ? current.since : new Date(this.now()).toISOString();
    this.components.set(component, { component, ok, since, ...(reason ? { reason } : {}) });
  }
}
