export * from './project/cicd-service-project';
export * from './pipeline/cicd-pipeline-stack';
export * from './gates/quality-gates';
