/**
 * The CDK side of the package, without its projen side.
 *
 * The package root also exports the projen project type, so importing it loads projen, which a CDK
 * app never uses (about 1.5 s of every `cdk synth` and of every Jest run that builds the stack).
 * Generated CDK apps and their tests import from `cicd-service-template/lib/cdk-app`; the classes
 * are the same ones the package root exports.
 */
export { CicdPipelineStack } from './pipeline/cicd-pipeline-stack';
export type { CicdPipelineStackProps } from './pipeline/cicd-pipeline-stack';
export { QualityGates } from './gates/quality-gates';
export type { QualityGatesOptions } from './gates/quality-gates';
