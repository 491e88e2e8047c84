// The test runner's globals (`describe`, `it`, `expect` of Jest, Bun, or vitest
// with `globals: true`), looked up when a kit calls them, so loading
// `fulfillkit/testing` needs no runner. The CommonJS build uses only these,
// since vitest cannot be required.

type Callable = (...args: unknown[]) => unknown;

/** Whether the runner put `describe`, `it` and `expect` on `globalThis`. */
export function runnerGlobalsPresent(): boolean {
  const scope = globalThis as Record<string, unknown>;
  return ['describe', 'it', 'expect'].every((name) => typeof scope[name] === 'function');
}

function runnerGlobal(name: string): Callable & Record<string | symbol, unknown> {
  const value = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== 'function') {
    throw new Error(
      `fulfillkit/testing: the conformance kits need a test runner, and none was found (no vitest to import, no global ${name}()). Install vitest, or run under a runner with globals (Jest, Bun, vitest with globals: true); fakeClock and the fixtures work without one.`,
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
