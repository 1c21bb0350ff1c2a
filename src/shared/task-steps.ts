import { Task, TaskStep } from 'projen';

/**
 * Rewrites the steps of `task` that run `program` (as `execArgs` or as an `exec` line), keeping
 * everything else of the step. Returns how many steps it rewrote.
 */
export function editCommandSteps(task: Task, program: string, edit: (step: TaskStep) => TaskStep): number {
  let edited = 0;
  task.steps.forEach((step, index) => {
    if (step.execArgs?.[0] === program || step.exec === program || step.exec?.startsWith(`${program} `)) {
      task.updateStep(index, edit(step));
      edited++;
    }
  });
  return edited;
}

/** Removes the steps of `task` that spawn the task `name`. */
export function removeSpawnSteps(task: Task, name: string): void {
  for (let i = task.steps.length - 1; i >= 0; i--) {
    if (task.steps[i].spawn === name) {
      task.removeStep(i);
    }
  }
}
