// The TypeScript reference of the Python and Java CDK apps: the service's stacks with the options
// of test/polyglot/fixture.json (path in POLYGLOT_FIXTURE), synthesized into CDK_OUTDIR.
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { CicdService, CicdServiceProps } from 'cicd-service-template';

const fixture = JSON.parse(fs.readFileSync(process.env.POLYGLOT_FIXTURE!, 'utf-8'));
const app = new App();
new CicdService(app, fixture.serviceProps as CicdServiceProps);
app.synth();
