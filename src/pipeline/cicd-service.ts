import { Construct } from 'constructs';
import { CicdServiceProps } from './cicd-service-props';
import { DeliveryStack } from './delivery-stack';
import { EnvironmentStack } from './environment-stack';
import { resolveCicdService } from './resolve-cicd-service';
import { acknowledgeControlTowerRules } from '../gates/control-tower';

/**
 * The stacks of one service, built from its settings: the delivery stack (`<service>-pipeline`:
 * repositories, build and pipeline) and one `EnvironmentStack` per environment
 * (`<service>-<environment>`), all in `scope` (normally the CDK app). A generated `src/main.ts`
 * creates exactly this, so a later version of the template can add or change stacks without an
 * edit there.
 *
 * Only the delivery stack is deployed from a laptop (`npx projen deploy`); the pipeline deploys the
 * environments' stacks, and itself, from each commit's synthesized templates.
 */
export class CicdService {
  /** The delivery stack: repositories, build and pipeline. */
  public readonly deliveryStack: DeliveryStack;
  /** One stack per environment, in the pipeline's order. */
  public readonly environmentStacks: EnvironmentStack[];

  constructor(scope: Construct, props: CicdServiceProps) {
    // Validates every option before a single construct is created.
    const { settings } = resolveCicdService(props);
    // Each stack's construct ID is its stack name: the pipeline finds `<name>.template.json` in
    // the synthesized cloud assembly, and `cdk deploy <name>` selects it.
    this.environmentStacks = settings.environments.map((environment) =>
      new EnvironmentStack(scope, environment.stackName, { service: props, environmentName: environment.name }));
    this.deliveryStack = new DeliveryStack(scope, settings.pipelineStackName, { service: props });
    for (const stack of [...this.environmentStacks, this.deliveryStack]) acknowledgeControlTowerRules(stack);
  }
}
