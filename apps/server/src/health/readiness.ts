/** What must be up before `GET /api/health` says 200: each role registers its check. */
export class Readiness {
  private readonly checks = new Map<string, () => Promise<boolean>>();

  register(name: string, check: () => Promise<boolean>): void {
    this.checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of this.checks) checks[name] = await check().catch(() => false);
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}
