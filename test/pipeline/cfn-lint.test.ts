import * as fs from 'fs';
import { cfnLint, cfnLintErrors } from '../support/cfn-lint';
import { connectionService, crossAccountService, customizedService, defaultService, strategiesService } from '../support/service-stacks';

test('cfn-lint finds no error in any stack of the default, customized, cross-account, connection-source and every-strategy services', () => {
  const services = [defaultService(), customizedService(), crossAccountService(), connectionService(), strategiesService()];
  const files = services.flatMap((s) => s.all.map((stack) => stack.templateFile));
  expect(files).toHaveLength(3 + 4 + 3 + 3 + 5);
  const errors = [...cfnLintErrors(files)].filter(([, e]) => e.length > 0);
  expect(errors).toEqual([]);
});

test('cfn-lint reports a planted error', () => {
  const s = defaultService();
  const file = s.environments[0].templateFile;
  const broken = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const service = Object.values<any>(broken.Resources).find((r) => r.Type === 'AWS::ECS::Service');
  service.Properties.LaunchType = 'SPACESHIP';
  fs.writeFileSync(file, JSON.stringify(broken));
  expect(cfnLint([file]).filter((m) => m.Rule.Id.startsWith('E')).length).toBeGreaterThan(0);
});
