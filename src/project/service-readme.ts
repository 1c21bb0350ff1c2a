import { Component, Project } from 'projen';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { RepositoryGates } from '../gates/repository-gates';
import { NodeRelease } from '../shared/node-versions';
import { InvalidOptionError, ServiceSettings } from '../shared/service-settings';

/** A validated extra README section. */
export interface ReadmeSectionContent {
  readonly title: string;
  readonly body: string;
}

const TITLE = /^[^\u0000-\u001f\u007f#]{1,120}$/;

/**
 * The repository's `README.md`: how to deploy, push, watch and troubleshoot, what it costs, and
 * who owns which file. Managed unless listed in `ownedFiles`; `readmeExtraSections` adds content.
 */
export class ServiceReadme extends Component {
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

  /** Renders the README once every component has added its files, so the ownership table is complete. */
  public preSynthesize(): void {
    if (this.written) return;
    this.written = true;
    this.ownership.addTemplateFile('README.md', (marker) => this.renderer.render('repo/README.md', {
      ...this.settings,
      marker,
      stackName: `${this.settings.serviceName}-pipeline`,
      nodeVersion: this.nodeRelease.major,
      files: this.ownership.rows(),
      extraSections: this.sections,
      // What the tasks do, as the gates set them up (RepositoryGates).
      parallelTest: this.project.tasks.tryFind('test:unit') !== undefined,
      validationInGateOnly: this.project.components.some((c) => c instanceof RepositoryGates && c.validationInGateOnly),
    }));
  }
}
