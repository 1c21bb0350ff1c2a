import { Component, Project } from 'projen';
import { deploymentGuide } from './deployment-guide';
import { environmentAccess } from './environment-access';
import { environmentCost } from './environment-costs';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { RepositoryGates } from '../gates/repository-gates';
import { CONTAINER_USER, NEVER_EXPIRE } from '../shared/hardening-settings';
import { NodeRelease } from '../shared/node-versions';
import { InvalidOptionError, ServiceSettings } from '../shared/service-settings';
import { environmentTeamPolicyName, teamPolicyParts } from '../shared/team-access-settings';

/** A validated extra README section. */
export interface ReadmeSectionContent {
  readonly title: string;
  readonly body: string;
}

const TITLE = /^[^\u0000-\u001f\u007f#]{1,120}$/;

/** Where the operating guide lives in a generated repository. */
export const OPERATIONS_GUIDE = 'docs/operations.md';

/**
 * The repository's `README.md`, a sample that projen writes once when it is missing and never
 * again: what the repository is, and a link to the operating guide. A team's README is the team's.
 */
export function renderReadmeSample(settings: ServiceSettings, renderer = new TemplateRenderer()): string {
  return renderer.render('repo/README.md', { ...settings, guide: OPERATIONS_GUIDE });
}

/**
 * The operating guide, `docs/operations.md`: how to deploy, push, watch and troubleshoot, what it
 * costs, and who owns which file. Managed unless listed in `ownedFiles`, so that it follows the
 * stack it describes; `readmeExtraSections` appends sections.
 */
export class OperationsGuide extends Component {
  /** Validates `readmeExtraSections`. */
  public static validate(sections: unknown): ReadmeSectionContent[] {
    if (sections === undefined) return [];
    const allowed = 'a list of { title, body } sections: a title of one line (1 to 120 characters, no "#") and a body of Markdown text';
    if (!Array.isArray(sections)) throw new InvalidOptionError('readmeExtraSections', sections, allowed);
    return sections.map((section: unknown, i) => {
      const s = section as Record<string, unknown> | null;
      if (s === null || typeof s !== 'object' || typeof s.title !== 'string' || !TITLE.test(s.title) || s.title.trim() === '') {
        throw new InvalidOptionError(`readmeExtraSections[${i}].title`, s?.title ?? section, allowed);
      }
      if (typeof s.body !== 'string' || s.body.length > 20000) {
        throw new InvalidOptionError(`readmeExtraSections[${i}].body`, s.body, 'Markdown text of at most 20000 characters');
      }
      return { title: s.title.trim(), body: s.body.replace(/\s+$/, '') };
    });
  }

  private readonly settings: ServiceSettings;
  private readonly nodeRelease: NodeRelease;
  private readonly sections: ReadmeSectionContent[];
  private readonly ownership: FileOwnership;
  private readonly renderer: TemplateRenderer;
  private written = false;

  constructor(project: Project, settings: ServiceSettings, node: NodeRelease, sections: ReadmeSectionContent[], ownership: FileOwnership,
    renderer = new TemplateRenderer()) {
    super(project);
    this.settings = settings;
    this.nodeRelease = node;
    this.sections = sections;
    this.ownership = ownership;
    this.renderer = renderer;
  }

  /** Renders the guide once every component has added its files, so the ownership table is complete. */
  public preSynthesize(): void {
    if (this.written) return;
    this.written = true;
    this.ownership.addTemplateFile(OPERATIONS_GUIDE, (marker) => this.renderer.render('repo/operations.md', {
      ...this.settings,
      marker,
      ...hardeningView(this.settings),
      environments: this.settings.environments.map((e) => ({
        ...e,
        logRetention: retentionText(e.logRetentionDays),
        where: e.account || e.region ? `${e.account ?? 'the pipeline\'s account'}, ${e.region ?? 'the pipeline\'s region'}` : 'as the pipeline',
        approval: e.requireApproval ? 'yes' : 'no',
        ...environmentAccess(e),
        notificationTopic: e.account !== undefined && e.account !== this.settings.pipelineAccount
          ? `${e.stackName}-notifications` : this.settings.notifications.topicArn ?? this.settings.notifications.topicName,
      })),
      teamFurtherPolicies: teamPolicyParts(this.settings.teamAccess, this.settings.environments, this.settings.pipelineAccount).slice(1)
        .map((part) => ({ policyName: part.policyName, output: part.output, environments: part.environments.map((e) => e.name).join(', ') })),
      teamEnvironmentPolicies: this.settings.environments.filter((e) => e.account !== undefined && e.account !== this.settings.pipelineAccount)
        .map((e) => ({ name: e.name, account: e.account, stackName: e.stackName, policyName: environmentTeamPolicyName(e.stackName) })),
      notificationTopicName: this.settings.notifications.topicName,
      notificationTopicArn: this.settings.notifications.topicArn,
      notificationEmails: this.settings.notifications.emails.map((e) => `\`${e}\``).join(', '),
      costs: this.settings.environments.map(environmentCost),
      excludedList: excludedList(this.settings),
      crossAccount: this.settings.environments.some((e) => e.account !== undefined && e.account !== this.settings.pipelineAccount),
      domains: this.settings.environments.some((e) => e.domain !== undefined),
      natGateways: this.settings.environments.some((e) => e.network.natGateways > 0),
      existingVpc: this.settings.environments.some((e) => e.network.vpc !== undefined),
      diagram: pipelineDiagram(this.settings),
      nodeVersion: this.nodeRelease.major,
      files: this.ownership.rows(),
      extraSections: this.sections,
      // What the tasks do, as the gates set them up (RepositoryGates).
      parallelTest: this.project.tasks.tryFind('test:unit') !== undefined,
      validationInGateOnly: this.project.components.some((c) => c instanceof RepositoryGates && c.validationInGateOnly),
      // The compliance profile: the strict environments, in words, and whether the pipeline's stack is strict.
      strictEnvironments: this.settings.environments.filter((e) => e.compliance === 'strict').map((e) => `\`${e.name}\``).join(', '),
      strictPipeline: this.settings.compliance === 'strict',
      controlTowerGate: this.project.components.some((c) => c instanceof RepositoryGates && c.controlTower),
      ...deploymentGuide(this.settings),
    }));
  }
}

/** The patterns whose changes alone do not start the pipeline, as Markdown; empty for none. */
/** What the guide says of the hardening: the container's user, the production environments, the pipeline's log retention. */
function hardeningView(settings: ServiceSettings): { containerUser: string; productionList: string; logRetention: string } {
  return {
    containerUser: CONTAINER_USER,
    productionList: settings.environments.filter((e) => e.production).map((e) => `\`${e.name}\``).join(', '),
    logRetention: retentionText(settings.logRetentionDays),
  };
}

/** A `logRetentionDays` value in words. */
function retentionText(days: number): string {
  return days === NEVER_EXPIRE ? 'forever (no expiry)' : `${days} day${days === 1 ? '' : 's'}`;
}

function excludedList(settings: ServiceSettings): string {
  return (settings.source?.excludedPaths ?? []).map((p) => `\`${p}\``).join(', ');
}

/** The lines of the Mermaid flowchart of the pipeline: its stages, and each environment after its approval. */
export function pipelineDiagram(settings: ServiceSettings): string[] {
  const lines = [`push["git push (${settings.branch})"] --> source[Source] --> build[Build] --> update[UpdatePipeline]`];
  let previous = 'update';
  for (const e of settings.environments) {
    const node = `env_${e.name.replace(/-/g, '_')}`;
    const box = `${node}["${e.name}: tag, stack, rollout, verify"]`;
    if (e.requireApproval) {
      lines.push(`${previous} --> ${node}_approval{"approve ${e.name}"} --> ${box}`);
    } else {
      lines.push(`${previous} --> ${box}`);
    }
    previous = node;
  }
  return lines;
}
