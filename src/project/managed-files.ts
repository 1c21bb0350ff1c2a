import { FileBase, Project, SampleFile, TextFile } from 'projen';
import { InvalidOptionError } from '../shared/service-settings';

/** A file that the template renders and keeps up to date unless the user takes it over. */
export interface TemplateManagedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  /** What the file is for, as the guide's table says it. */
  readonly purpose: string;
}

/**
 * The template-managed files of a generated repository: the one list that the components write
 * from, that `ownedFiles` is validated against and that the guide's ownership table shows.
 */
export const TEMPLATE_MANAGED_FILES: readonly TemplateManagedFile[] = [
  { path: 'Dockerfile', purpose: 'Builds the service image (multi-stage, non-root)' },
  { path: '.dockerignore', purpose: 'Keeps local build output out of the image build' },
  { path: 'buildspec.yml', purpose: 'CodeBuild: tests, builds and pushes the image, writes imagedefinitions.json' },
  { path: 'docs/operations.md', purpose: 'This guide' },
  { path: 'src/service-settings.ts', purpose: 'Settings of the pipeline stack, from the options in .projenrc.ts' },
];

/**
 * Paths that `ownedFiles` still accepts although the template no longer manages them: a
 * `.projenrc.ts` written for an earlier version keeps working, with a warning.
 */
const FORMERLY_MANAGED: Readonly<Record<string, string>> = {
  'README.md': 'README.md is always yours: the template writes it once, when it is missing, and never again',
};

/** One row of the guide's ownership table. */
export interface FileOwnershipRow {
  readonly path: string;
  readonly owner: 'template' | 'you';
  readonly purpose: string;
}

/**
 * Writes the template-managed files as managed or user-owned files, following `ownedFiles`, and
 * records every file's owner for the operating guide.
 */
export class FileOwnership {
  /**
   * Validates the `ownedFiles` option: every entry must be the path of a template-managed file.
   */
  public static validate(ownedFiles: unknown): ReadonlySet<string> {
    if (ownedFiles === undefined) return new Set();
    const allowed = TEMPLATE_MANAGED_FILES.map((f) => f.path);
    const list = `a list of template-managed files among ${allowed.map((p) => JSON.stringify(p)).join(', ')}`;
    if (!Array.isArray(ownedFiles)) throw new InvalidOptionError('ownedFiles', ownedFiles, list);
    for (const entry of ownedFiles) {
      if (typeof entry !== 'string' || !(allowed.includes(entry) || entry in FORMERLY_MANAGED)) {
        throw new InvalidOptionError('ownedFiles', entry, list);
      }
    }
    return new Set(ownedFiles as string[]);
  }

  /** Whether `ownedFiles` accepts `path`. */
  public static accepts(path: string): boolean {
    return TEMPLATE_MANAGED_FILES.some((f) => f.path === path);
  }

  private readonly userFiles: FileOwnershipRow[] = [];

  constructor(private readonly project: Project, private readonly owned: ReadonlySet<string>) {
    for (const path of owned) {
      const why = FORMERLY_MANAGED[path];
      if (why) project.logger.warn(`ownedFiles: "${path}" has no effect and can be removed: ${why}.`);
    }
  }

  /** Whether the user has taken `path` over. */
  public isOwned(path: string): boolean {
    return this.owned.has(path);
  }

  /**
   * Writes a template-managed file. `render` gets the marker line to put in a comment at the top,
   * or `undefined` when the user owns the file (their copy carries no "generated" marker).
   */
  public addTemplateFile(path: string, render: (marker: string | undefined) => string): void {
    if (!TEMPLATE_MANAGED_FILES.some((f) => f.path === path)) {
      throw new Error(`"${path}" is missing from TEMPLATE_MANAGED_FILES`);
    }
    if (this.isOwned(path)) {
      // User-owned on request (ownedFiles): written once if missing, never overwritten.
      new SampleFile(this.project, path, { contents: render(undefined) });
      return;
    }
    // Managed: regenerated on every synth, so an upgrade of the template reaches it.
    const file = new TextFile(this.project, path, { marker: true, readonly: true });
    const text = render(file.marker);
    // A trailing newline in the template stays: the last line is an empty one.
    for (const line of text.split('\n')) {
      file.addLine(line);
    }
  }

  /** Records files that the user owns from the start (samples), for the guide. */
  public addUserFile(path: string, purpose: string): void {
    this.userFiles.push({ path, owner: 'you', purpose });
  }

  /**
   * Every file's owner: the template-managed files, the files projen generates and the user's
   * files. Called at synthesis, when every component has added its files.
   */
  public rows(): FileOwnershipRow[] {
    const template: FileOwnershipRow[] = TEMPLATE_MANAGED_FILES.map((f) => ({
      path: f.path,
      owner: this.isOwned(f.path) ? 'you' : 'template',
      purpose: f.purpose,
    }));
    const known = new Set(TEMPLATE_MANAGED_FILES.map((f) => f.path));
    const projen: FileOwnershipRow[] = this.project.files
      .filter((f: FileBase) => !known.has(f.path))
      .map((f) => ({ path: f.path, owner: 'template' as const, purpose: 'Generated by projen from .projenrc.ts' }))
      .sort((a, b) => a.path.localeCompare(b.path));
    return [...template, ...projen, ...this.userFiles];
  }
}
