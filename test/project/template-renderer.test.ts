import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TemplateRenderer } from '../../src/project/template-renderer';

describe('TemplateRenderer', () => {
  test('finds the templates folder of the package', () => {
    expect(fs.existsSync(path.join(TemplateRenderer.templatesDir(), 'app', 'main.ts.mustache'))).toBe(true);
  });

  test('substitutes values without HTML escaping', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-'));
    fs.writeFileSync(path.join(dir, 'x.mustache'), 'path: {{p}}\nname: {{n}}\n');
    const out = new TemplateRenderer(dir).render('x', { p: '/a&b', n: "it's" });
    expect(out).toBe("path: /a&b\nname: it's\n");
    expect(new TemplateRenderer(dir).renderLines('x', { p: '/', n: 'n' })).toEqual(['path: /', 'name: n']);
  });

  test('names a missing template', () => {
    expect(() => new TemplateRenderer().render('nope/missing', {})).toThrow(/Template "nope\/missing" was not found/);
  });
});
