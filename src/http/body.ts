// Reading a request body under a size limit, without buffering more than the
// limit allows, and keeping the exact bytes for signature checks.
import { HttpProblemError, httpProblem } from './problem.js';

/** Read the whole body as bytes, refusing more than `limit` bytes with 413. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const path = new URL(request.url).pathname;
  const tooLarge = () => new HttpProblemError(httpProblem('BODY_TOO_LARGE', `The body exceeds ${limit} bytes`, path, { limit }));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Parse a JSON body; an empty body is `{}`. Anything else that is not JSON is a 400. */
export function parseJson(bytes: Uint8Array, path: string): unknown {
  if (bytes.byteLength === 0) return {};
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new HttpProblemError(httpProblem('MALFORMED_BODY', 'The body is not valid JSON', path));
  }
}
