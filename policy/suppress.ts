/** Suppressions are written by modules through lib/suppress (modules never import policy/). */
export { suppress } from "../lib/suppress";
