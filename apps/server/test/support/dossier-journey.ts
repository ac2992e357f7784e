import { expect } from 'chai';
import { SUBMISSIONS } from '../../../../processes/reference-procedures.fixtures.ts';
import type { TestServer } from './test-server.ts';

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The demo commune the citizens submit to (README "Demo users"), its desk, specialist and leader. */
export const KINH_BAC = '000.00.12.H10';
export const HOUSEHOLD_BUSINESS = '1.001612';

/** A valid household business registration form whose applicant is `phone` / `email`. */
export function householdBusinessForm(applicant: { phone?: string; email?: string } = {}): Record<string, unknown> {
  const form = structuredClone(SUBMISSIONS['household-business-registration']!) as Record<string, Json>;
  form.applicant = { ...form.applicant, ...applicant };
  return form;
}

/** Polls `probe` until it returns something (bounded: an asynchronous worker is what we wait for). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the dossier (seen by `token`) satisfies `condition`. */
export function dossierWhen(
  server: TestServer,
  token: string,
  id: string,
  what: string,
  condition: (dossier: Json) => boolean,
): Promise<Json> {
  return eventually(what, async () => {
    const response = await server.request('GET', `/api/dossiers/${id}`, { token });
    return response.status === 200 && condition(response.body) ? response.body : undefined;
  });
}

/** Claims and completes the open task with `formKey` of the dossier in the official's inbox. */
export async function completeTask(
  server: TestServer,
  token: string,
  dossierId: string,
  formKey: string,
  data: Record<string, unknown>,
): Promise<void> {
  const task = await eventually(`task ${formKey} of dossier ${dossierId}`, async () => {
    const inbox = await server.request('GET', '/api/inbox?assigned=all', { token });
    expect(inbox.status, JSON.stringify(inbox.body)).to.equal(200);
    return (inbox.body.items as Json[]).find((item) => item.dossierId === dossierId && item.formKey === formKey);
  });
  const claimed = await server.request('POST', `/api/tasks/${task.id}/claim`, { token });
  expect(claimed.status, JSON.stringify(claimed.body)).to.equal(200);
  const completed = await server.request('POST', `/api/tasks/${task.id}/complete`, { token, body: { data } });
  expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
}
