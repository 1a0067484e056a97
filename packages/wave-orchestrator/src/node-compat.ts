/**
 * aws-local-stepfunctions (the ASL interpreter of the local runner) targets Node 22 and calls
 * Promise.withResolvers, which Node 20 lacks. This project supports Node 20 for development
 * and CI, so the local runner installs this standard-conforming shim before it loads the
 * interpreter. On Node 22+ it does nothing.
 */
export function ensurePromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
