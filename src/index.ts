export * from './project/cicd-service-project';
export * from './pipeline/cicd-pipeline-stack';
