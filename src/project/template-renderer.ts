import * as fs from 'fs';
import * as path from 'path';
import * as Mustache from 'mustache';

/**
 * Renders the mustache templates shipped in this package's `templates/` folder.
 *
 * The folder is found relative to this file, so it works the same from the repository (`src/`),
 * the compiled package (`lib/`) and an installed tarball (`node_modules/cicd-service-template/lib/`).
 */
export class TemplateRenderer {
  /** The absolute path of the `templates/` folder of the installed package. */
  public static templatesDir(): string {
    return path.resolve(__dirname, '..', '..', 'templates');
  }

  private readonly dir: string;

  constructor(dir: string = TemplateRenderer.templatesDir()) {
    this.dir = dir;
  }

  /**
   * Renders `templates/<name>.mustache` with `view`.
   *
   * Nothing is HTML-escaped: the generated files are code and configuration, and every value put
   * into them has been validated before rendering.
   */
  public render(name: string, view: object): string {
    const file = path.join(this.dir, `${name}.mustache`);
    if (!fs.existsSync(file)) {
      throw new Error(`Template "${name}" was not found at ${file}; the package is incomplete.`);
    }
    const template = fs.readFileSync(file, 'utf-8');
    return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) });
  }

  /** Renders a template into lines, the form projen's file classes take. */
  public renderLines(name: string, view: object): string[] {
    const out = this.render(name, view);
    return (out.endsWith('\n') ? out.slice(0, -1) : out).split('\n');
  }
}
