/** GET a JSON route; a problem response's message becomes the thrown error's message. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    let message = `The server answered HTTP ${response.status}.`;
    try {
      const body = (await response.json()) as { message?: unknown };
      if (typeof body.message === 'string' && body.message) message = body.message;
    } catch {
      // not JSON: keep the status message
    }
    throw new Error(message);
  }
  return (await response.json()) as T;
}
