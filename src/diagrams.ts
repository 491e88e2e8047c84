// Entry of `fulfillkit/diagrams`: Mermaid diagrams and transition tables drawn
// from the machine definitions (kept out of the core entry, which runs in shops).
export { machineDiagrams, toMermaid, transitionTable } from './machines/diagram.js';
