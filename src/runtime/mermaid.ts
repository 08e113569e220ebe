/** Renders a graph spec as a Mermaid flowchart, for docs and the UI. */
import type { GraphSpec, StepSpec } from './graph.js';

/**
 * @example
 * console.log(toMermaid(spec)); // flowchart LR ...
 */
export function toMermaid(spec: GraphSpec): string {
  const lines = ['flowchart LR'];
  for (const step of spec.steps) lines.push(`  ${nodeId(step.id)}${shape(step)}`);
  for (const step of spec.steps) {
    for (const input of step.inputs ?? []) lines.push(`  ${nodeId(input)} --> ${nodeId(step.id)}`);
  }
  if (spec.deadLetter) {
    lines.push(`  dead_letters[("dead letters: ${escape(spec.deadLetter.type)}")]`);
    for (const step of spec.steps.filter((s) => s.kind === 'step')) lines.push(`  ${nodeId(step.id)} -. error .-> dead_letters`);
  }
  return lines.join('\n') + '\n';
}

function shape(step: StepSpec): string {
  const label = escape(`${step.id}: ${step.type}${step.pool ? ' (pool)' : ''}`);
  if (step.kind === 'source') return `(["${label}"])`;
  if (step.kind === 'sink') return `[("${label}")]`;
  return `["${label}"]`;
}

function nodeId(id: string): string {
  return 'n_' + id.replace(/[^A-Za-z0-9_]/g, '_');
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}
