// Stand-in for `vitest` in the CommonJS build of `fulfillkit/testing`: vitest
// cannot be required, so from CommonJS the kits use the test runner's globals
// (vitest with `globals: true`, Jest). The ESM build imports vitest itself.

type Callable = (...args: unknown[]) => unknown;

function runnerGlobal(name: string): Callable & Record<string | symbol, unknown> {
  const value = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== 'function') {
    throw new Error(
      `fulfillkit/testing loaded from CommonJS needs the test runner's global ${name}(): run vitest with globals enabled, or use ESM (import 'fulfillkit/testing')`,
    );
  }
  return value as Callable & Record<string | symbol, unknown>;
}

// Resolved at call time, so merely loading the module needs no runner.
function forward(name: string): Callable {
  return new Proxy(function runnerFunction() {}, {
    apply: (_target, _self, args: unknown[]) => runnerGlobal(name)(...args),
    get: (_target, property) => runnerGlobal(name)[property],
  }) as unknown as Callable;
}

export const describe = forward('describe');
export const it = forward('it');
export const expect = forward('expect');
