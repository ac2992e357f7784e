// HEALTHCHECK of the motcua image: exit 0 when GET /api/health answers 200 (database, Zeebe and
// workers ready), 1 otherwise. A container without the api role serves no HTTP: nothing to ask.
const roles = (process.env.MOTCUA_ROLES ?? 'engine,api,workers').split(',').map((role) => role.trim());
if (!roles.includes('api')) process.exit(0);
const port = process.env.MOTCUA_HTTP_PORT || '3000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
