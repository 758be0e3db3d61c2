/** A mock whose every unstubbed member fails the test, so an unexpected write or call cannot pass silently. */
export function strictMock<T extends object>(stubs: Partial<Record<keyof T, unknown>> = {}): T {
  return new Proxy(stubs as T, {
    get(target, prop) {
      if (prop in target) return (target as Record<string | symbol, unknown>)[prop];
      // Awaiting a mock probes `then`; answering undefined keeps it from looking like a promise.
      if (prop === 'then') return undefined;
      throw new Error(`unexpected call: ${String(prop)}`);
    },
  });
}
