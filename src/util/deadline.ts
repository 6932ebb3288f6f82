/**
 * Runs `work` until it settles or `ms` pass, whichever is first. At the limit the controller is aborted, so
 * the work can stop what it started (a browser, a request), and the answer is a rejection with
 * `timeoutError()`; the work's own late outcome is ignored.
 */
export async function withDeadline<T>(
  controller: AbortController,
  ms: number,
  timeoutError: () => Error,
  work: () => Promise<T> | T,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(timeoutError());
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
