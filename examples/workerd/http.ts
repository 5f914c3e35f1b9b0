// JSON in and out for the worker's routes: a request's body parsed as JSON, a result or an error
// as a JSON response. An HttpError is the client's mistake (its message says what to change); any
// other error is the server's.

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export async function readJson(request: Request): Promise<unknown> {
  if (request.method !== 'POST') throw new HttpError(405, `use POST with a JSON body, not ${request.method}`);
  try {
    return await request.json();
  } catch (error) {
    throw new HttpError(400, `the body is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return json({ error: error.message }, error.status);
  // The library's argument checks (the annealing's problem, the candidates' options) throw
  // RangeErrors that say what was wrong: in a request that passed select.ts, the request's.
  if (error instanceof RangeError) return json({ error: error.message }, 400);
  return json({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 500);
}
