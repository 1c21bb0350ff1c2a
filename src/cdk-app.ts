/**
 * The CDK side of the package, without its projen side.
 *
 * The package root also exports the projen project type, so importing it loads projen, which a CDK
 * app never uses (about 1.5 s of every `cdk synth` and of every Jest run that builds the stacks).
 * Generated CDK apps and their tests import from `cicd-service-template/lib/cdk-app`; the classes
 * are the same ones the package root exports.
 */
export { CicdService } from './pipeline/cicd-service';
export type { CicdServiceProps } from './pipeline/cicd-service-props';
export { DeliveryStack } from './pipeline/delivery-stack';
export type { DeliveryStackProps } from './pipeline/delivery-stack';
export { EnvironmentStack } from './pipeline/environment-stack';
export type { EnvironmentStackProps } from './pipeline/environment-stack';
export type { EnvironmentOptions, ServiceOptions } from './shared/service-options';
export type { SourceOptions } from './shared/source-options';
export { QualityGates } from './gates/quality-gates';
export type { QualityGatesOptions } from './gates/quality-gates';
