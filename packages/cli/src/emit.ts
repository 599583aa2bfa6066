// A sweep written out for a scheduler: one shell line per cell, a Slurm job array, or a Kubernetes
// Indexed Job. Every cell writes its own result file, so `anl report` merges them wherever they ran.
import { shellQuote } from './cell';

export const EMIT_FORMATS = ['commands', 'slurm', 'k8s'] as const;
export type EmitFormat = (typeof EMIT_FORMATS)[number];

/** One line per cell: `<launcher> train ... --out <file>`. */
export function commandLines(launcher: string, cells: readonly string[][]): string[] {
  return cells.map((args) => `${launcher} ${args.map(shellQuote).join(' ')}`);
}

/** A Slurm batch script whose array task i runs line i (0-based) of the sweep. */
export function slurmScript(
  lines: readonly string[],
  options: { name: string; cpus: number; time: string },
): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${options.name}`,
    `#SBATCH --array=0-${lines.length - 1}`,
    `#SBATCH --cpus-per-task=${options.cpus}`,
    `#SBATCH --time=${options.time}`,
    `#SBATCH --output=${options.name}-%A_%a.log`,
    '# Submit from the folder the result paths are relative to: sbatch this-file',
    'set -euo pipefail',
    'CELLS=(',
    ...lines.map((l) => `  ${shellQuote(l)}`),
    ')',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a JS template.
    'eval "${CELLS[$SLURM_ARRAY_TASK_ID]}"',
    '',
  ].join('\n');
}

/** A Kubernetes Indexed Job: completion index i runs line i; results go to a shared volume. */
export function k8sManifest(
  lines: readonly string[],
  options: { name: string; image: string; claim: string; workdir: string; parallelism: number; cpus: number },
): string {
  const script = [
    'set -eu',
    'case "$JOB_COMPLETION_INDEX" in',
    ...lines.map((l, i) => `  ${i}) ${l} ;;`),
    '  *) echo "no cell $JOB_COMPLETION_INDEX" >&2; exit 1 ;;',
    'esac',
  ];
  const indented = script.map((l) => `              ${l}`).join('\n');
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${options.name}
spec:
  completionMode: Indexed
  completions: ${lines.length}
  parallelism: ${options.parallelism}
  backoffLimitPerIndex: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: cell
          image: ${JSON.stringify(options.image)}
          workingDir: ${JSON.stringify(options.workdir)}
          resources:
            requests:
              cpu: "${options.cpus}"
          command:
            - bash
            - -c
            - |
${indented}
          volumeMounts:
            - name: results
              mountPath: ${JSON.stringify(options.workdir)}
      volumes:
        - name: results
          persistentVolumeClaim:
            claimName: ${JSON.stringify(options.claim)}
`;
}
