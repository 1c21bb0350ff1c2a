import { DeploymentSettings } from '../shared/deployment-settings';
import { ServiceSettings } from '../shared/service-settings';

/** One environment's row of the operating guide's rollout table. */
export interface DeploymentGuideRow {
  readonly name: string;
  readonly strategy: string;
  readonly how: string;
}

/** What the operating guide says about the environments' deployment strategies. */
export interface DeploymentGuide {
  readonly deploymentRows: DeploymentGuideRow[];
  /** Whether any environment runs a blue/green, canary or linear deployment. */
  readonly progressive: boolean;
}

/** How a deployment moves traffic, in a sentence for the guide. */
export function describeDeployment(d: DeploymentSettings): string {
  const bake = `the old tasks keep running ${d.bakeTimeMinutes} minutes more (bake time), then stop`;
  switch (d.strategy) {
    case 'rolling':
      return 'ECS replaces the tasks a few at a time; tasks that never become healthy are rolled back by the circuit breaker';
    case 'blue-green':
      return `a full set of new tasks is checked on the test listener, then takes all production traffic at once; ${bake}`;
    case 'canary':
      return `the new tasks are checked on the test listener, take ${d.canaryPercent}% of production traffic for ${d.canaryBakeTimeMinutes} minutes, then all of it; ${bake}`;
    case 'linear':
      return `the new tasks are checked on the test listener, then take ${d.linearStepPercent}% more of production traffic every ${d.linearStepBakeTimeMinutes} minutes; ${bake}`;
  }
}

/** The view of the guide's rollout section. */
export function deploymentGuide(settings: ServiceSettings): DeploymentGuide {
  return {
    deploymentRows: settings.environments.map((e) => ({ name: e.name, strategy: e.deployment.strategy, how: describeDeployment(e.deployment) })),
    progressive: settings.environments.some((e) => e.deployment.strategy !== 'rolling'),
  };
}
