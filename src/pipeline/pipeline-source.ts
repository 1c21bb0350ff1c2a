import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ServiceSettings } from '../shared/service-settings';
import { SOURCE_COMMIT_ENV, SourceSettings } from '../shared/source-settings';

/** The variables namespace of the source action, whose `CommitId` the build receives. */
const SOURCE_NAMESPACE = 'Source';

/**
 * The CodeCommit repository of the service and its clone URLs, unless the service takes its source
 * through a connection (`source`): then nothing is created. The construct IDs are those of the
 * stacks before `source` existed, so an update keeps the repository.
 */
export function createCodeCommitRepository(stack: Stack, settings: ServiceSettings, key?: kms.IKey): codecommit.Repository | undefined {
  if (settings.source) return undefined;
  const name = settings.serviceName;
  const repository = new codecommit.Repository(stack, 'Repository', {
    repositoryName: name,
    description: `Source of ${name}`,
    kmsKey: key,
  });
  repository.applyRemovalPolicy(RemovalPolicy.RETAIN);
  new CfnOutput(stack, 'CloneUrlHttps', { value: repository.repositoryCloneUrlHttp, description: 'git clone over HTTPS' });
  new CfnOutput(stack, 'CloneUrlSsh', { value: repository.repositoryCloneUrlSsh, description: 'git clone over SSH' });
  new CfnOutput(stack, 'CloneUrlGrc', { value: repository.repositoryCloneUrlGrc, description: 'git clone with git-remote-codecommit' });
  return repository;
}

/** The action of the pipeline's Source stage. */
export interface SourceAction {
  /** The action, for the Source stage. */
  readonly action: codepipeline.IAction;
  /** The name of the action, which is its construct ID in the stage. */
  readonly actionName: string;
  /** The build action's environment variables that hand it the commit ID of the run. */
  readonly buildVariables: Record<string, codebuild.BuildEnvironmentVariable>;
}

/**
 * The Source action: the CodeCommit repository (started by its EventBridge rule, as before), or the
 * connection's repository (started by the pipeline's trigger, `addSourceTrigger`).
 */
export function createSourceAction(settings: ServiceSettings, repository: codecommit.IRepository | undefined,
  output: codepipeline.Artifact): SourceAction {
  if (settings.source) {
    const action = new ConnectionSourceAction(settings.source, {
      actionName: 'CodeConnections',
      connectionArn: settings.source.connectionArn,
      owner: settings.source.owner,
      repo: settings.source.name,
      branch: settings.branch,
      output,
      variablesNamespace: SOURCE_NAMESPACE,
      // The pipeline's trigger starts it, with its file filter: the action's own change detection
      // would start it on every push, one that changes only the docs included.
      triggerOnPush: false,
    });
    return { action, actionName: 'CodeConnections', buildVariables: { [SOURCE_COMMIT_ENV]: { value: action.variables.commitId } } };
  }
  if (!repository) throw new Error('A CodeCommit source needs the repository');
  const action = new codepipeline_actions.CodeCommitSourceAction({
    actionName: 'CodeCommit',
    repository,
    branch: settings.branch,
    output,
    trigger: codepipeline_actions.CodeCommitTrigger.EVENTS,
    variablesNamespace: SOURCE_NAMESPACE,
  });
  return { action, actionName: 'CodeCommit', buildVariables: { [SOURCE_COMMIT_ENV]: { value: action.variables.commitId } } };
}

/**
 * The V2 pipeline's push trigger for a connection's repository: a push to the branch that changes
 * a file outside `excludedPaths`. CodePipeline filters triggers of connection sources only; a
 * CodeCommit source keeps its EventBridge rule.
 */
export function addSourceTrigger(pipeline: codepipeline.Pipeline, settings: ServiceSettings, source: SourceAction): void {
  if (!settings.source) return;
  pipeline.addTrigger({
    providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
    gitConfiguration: {
      sourceAction: source.action,
      pushFilter: [{
        branchesIncludes: [settings.branch],
        filePathsExcludes: settings.source.excludedPaths.length > 0 ? settings.source.excludedPaths : undefined,
      }],
    },
  });
}

/**
 * aws-cdk-lib's connection source action, which allows `codestar-connections:UseConnection` on the
 * connection. A connection whose ARN has the newer `codeconnections` prefix is authorized under
 * that prefix only: its action role also gets `codeconnections:UseConnection`, on that ARN alone.
 */
class ConnectionSourceAction extends codepipeline_actions.CodeStarConnectionsSourceAction {
  private readonly source: SourceSettings;

  constructor(source: SourceSettings, props: codepipeline_actions.CodeStarConnectionsSourceActionProps) {
    super(props);
    this.source = source;
  }

  protected bound(scope: Construct, stage: codepipeline.IStage, options: codepipeline.ActionBindOptions): codepipeline.ActionConfig {
    const config = super.bound(scope, stage, options);
    if (this.source.servicePrefix === 'codeconnections') {
      options.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codeconnections:UseConnection'],
        resources: [this.source.connectionArn],
      }));
    }
    return config;
  }
}
