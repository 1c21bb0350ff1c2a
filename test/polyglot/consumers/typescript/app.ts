// The TypeScript reference of the Python and Java CDK apps: the stack with the options of
// test/polyglot/fixture.json (path in POLYGLOT_FIXTURE), synthesized into CDK_OUTDIR.
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { CicdPipelineStack, CicdPipelineStackProps } from 'cicd-service-template';

const fixture = JSON.parse(fs.readFileSync(process.env.POLYGLOT_FIXTURE!, 'utf-8'));
const app = new App();
new CicdPipelineStack(app, fixture.stackId, fixture.stackProps as CicdPipelineStackProps);
app.synth();
