// A machine definition read as a graph: its states and every transition with
// readable guard and action names. Diagrams, docs and coverage tests share it.
import {
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  and,
  not,
  or,
  stateIn,
} from 'xstate';

/** One transition of a machine definition (guarded alternatives are separate). */
export interface MachineTransition {
  /** Stable id: `source id` + `event` + position among the event's alternatives. */
  id: string;
  /** The state node that declares it. */
  source: AnyStateNode;
  /** Event type; `''` for eventless (`always`) transitions. */
  event: string;
  /** The guard as text (`canProcess`, `!canProcess`, `a && b`), or `null`. */
  guard: string | null;
  /** Target nodes; empty for a transition that stays where it is. */
  targets: AnyStateNode[];
  /** Names of the transition's own actions. */
  actions: string[];
  /** The definition itself, as `machine.getTransitionData()` returns it. */
  definition: AnyTransitionDefinition;
}

// Built-in guard combinators are recognised by their evaluator, not by name.
const checkOf = (guard: unknown): unknown => (guard as { check?: unknown }).check;
const combinators = new Map<unknown, string>([
  [checkOf(not('x')), 'not'],
  [checkOf(and(['x'])), 'and'],
  [checkOf(or(['x'])), 'or'],
  [checkOf(stateIn('x')), 'in'],
]);

/**
 * A guard as text: a name, a parameterised name, or a combination built with
 * `not`, `and`, `or`, `stateIn`.
 *
 * @example
 * ```ts
 * guardLabel(not('canProcess')); // '!canProcess'
 * ```
 */
export function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { check?: unknown; guards?: unknown[]; stateValue?: unknown; name: string };
    const kind = combinators.get(g.check);
    const parts = (g.guards ?? []).map(guardLabel);
    if (kind === 'not') return `!${parts[0]}`;
    if (kind === 'and') return parts.map((p) => (parts.length > 1 && /\s/.test(p) ? `(${p})` : p)).join(' && ');
    if (kind === 'or') return parts.map((p) => (parts.length > 1 && /\s/.test(p) ? `(${p})` : p)).join(' || ');
    if (kind === 'in') return `in ${JSON.stringify(g.stateValue ?? '?')}`;
    return g.name || 'inline guard';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

/**
 * An action as text: its name, or `inline` for an anonymous function.
 *
 * @example
 * ```ts
 * actionLabel('voidLabel'); // 'voidLabel'
 * ```
 */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  if (action && typeof action === 'object' && 'type' in action) return String((action as { type: unknown }).type);
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    return typeof type === 'string' ? type : action.name || 'inline';
  }
  return 'inline';
}

/**
 * Every state node of `machine` below its root, in document order (parents
 * before children), including history nodes.
 *
 * @example
 * ```ts
 * listStates(returnMachine).map((s) => s.key); // ['requested', 'approved', ...]
 * ```
 */
export function listStates(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      out.push(child);
      visit(child);
    }
  };
  visit(machine.root);
  return out;
}

/**
 * Every transition of `machine`, in document order. A guarded list counts one
 * transition per alternative.
 *
 * @example
 * ```ts
 * listTransitions(shipmentMachine).length; // total transitions in the definition
 * ```
 */
export function listTransitions(machine: AnyStateMachine): MachineTransition[] {
  const out: MachineTransition[] = [];
  for (const node of [machine.root, ...listStates(machine)]) {
    const groups: Array<[string, readonly AnyTransitionDefinition[]]> = [...node.transitions.entries()];
    if (node.always?.length) groups.push(['', node.always]);
    for (const [event, defs] of groups) {
      defs.forEach((def, index) => {
        out.push({
          id: `${node.id}|${event}|${index}`,
          source: node,
          event,
          guard: def.guard === undefined ? null : guardLabel(def.guard),
          targets: [...(def.target ?? [])],
          actions: def.actions.map(actionLabel),
          definition: def,
        });
      });
    }
  }
  return out;
}

/**
 * The event as a diagram shows it: `always` for eventless transitions, `after
 * 5000ms` for delays, the event type otherwise.
 *
 * @example
 * ```ts
 * eventLabel('xstate.after.5000.order.unshipped'); // 'after 5000ms'
 * ```
 */
export function eventLabel(event: string): string {
  if (event === '') return 'always';
  const delay = /^xstate\.after\.(\d+)\./.exec(event);
  if (delay) return `after ${delay[1]}ms`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  return event;
}
