import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 findings (wildcards) on `scope`, which should be the
 * policy that carries them: an acknowledgment on a parent would also hide the findings of what a
 * user adds below it.
 */
export function acknowledgeWildcards(scope: IConstruct, reason: string, findings: string[]): void {
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
