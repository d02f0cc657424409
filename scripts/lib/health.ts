/** Polls `url` until it answers 200; throws after `timeoutMs` or as soon as `abort()` returns a reason. */
export async function waitForHealth(url: string, timeoutMs: number, abort?: () => string | undefined): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(reason);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.status === 200) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      }
      last = `HTTP ${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
