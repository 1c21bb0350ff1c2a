// The TypeScript reference of the Python and Java projenrc: a service repository with the options
// of test/polyglot/fixture.json (path in POLYGLOT_FIXTURE), synthesized into the working directory.
import * as fs from 'fs';
import { CicdServiceProject, CicdServiceProjectOptions } from 'cicd-service-template';

const fixture = JSON.parse(fs.readFileSync(process.env.POLYGLOT_FIXTURE!, 'utf-8'));
new CicdServiceProject(fixture.projectOptions as CicdServiceProjectOptions).synth();
