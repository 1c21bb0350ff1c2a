import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { acknowledgeWildcards } from './nag-acknowledgments';

/**
 * The cdk-nag findings that every build project of the stack has by design: no customer-managed
 * key for artifacts it does not have, and the log streams of its default log group.
 */
export function acknowledgeProjectFindings(project: codebuild.Project, buildImage: codebuild.IBuildImage, what: string): void {
  Validations.of(project).acknowledge({
    id: 'AwsSolutions-CB4',
    reason: `The ${what} build writes no artifacts: there is nothing for a customer-managed key to encrypt.`,
  });
  if (!buildImage.imageId.startsWith('aws/codebuild/')) {
    Validations.of(project).acknowledge({
      id: 'AwsSolutions-CB5',
      reason: 'The build image is the registry image that the buildImage option names, as for the pipeline\'s build.',
    });
  }
  const stack = Stack.of(project);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  acknowledgeWildcards(project.role!.node.findChild('DefaultPolicy'), `The log streams of the ${what} build's own log group`, [
    `Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/<${stack.getLogicalId(project.node.defaultChild as CfnElement)}>:*`,
  ]);
}

