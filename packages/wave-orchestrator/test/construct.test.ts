import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildDefinition, DeployStep, InMemoryRolloutStore, runLocalRollout, DEFAULT_OPTIONS, TASK_NAMES, WaveOrchestrator } from '../src';
import { FakeProvider, fleet } from './fake-provider';

function synth(deployStep: DeployStep = { kind: 'proton' }) {
  const app = new App();
  const stack = new Stack(app, 'ControlPlane', { env: { account: '123456789012', region: 'eu-west-1' } });
  const orchestrator = new WaveOrchestrator(stack, 'SaasWeb', { serviceName: 'saas-web', deployStep });
  return { stack, orchestrator, template: Template.fromStack(stack) };
}

const { stack, template } = synth();

/**
 * The synthesised DefinitionString with its CloudFormation references replaced: each Lambda
 * ARN by the task name's placeholder, the queue URL by a fixed one.
 */
function synthesisedDefinition(t: Template, arnFor: (task: string) => string, queueUrl: string) {
  const resources = t.toJSON().Resources;
  const sm = Object.values<any>(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const parts: any[] = sm.Properties.DefinitionString['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p['Fn::GetAtt']) {
        const task = TASK_NAMES.find((n) => p['Fn::GetAtt'][0].startsWith(`SaasWeb${n}`) && resources[p['Fn::GetAtt'][0]].Type === 'AWS::Lambda::Function');
        return arnFor(task!);
      }
      if (p.Ref) return queueUrl;
      throw new Error(`unexpected part ${JSON.stringify(p)}`);
    })
    .join('');
  return JSON.parse(text);
}

test('the synthesised state machine is exactly buildDefinition() with this stack\'s functions and queue', () => {
  const def = synthesisedDefinition(template, (t) => `arn:fn:${t}`, 'https://queue');
  const expected = buildDefinition({
    functions: Object.fromEntries(TASK_NAMES.map((t) => [t, `arn:fn:${t}`])) as any,
    approvalQueueUrl: 'https://queue',
  });
  expect(def).toEqual(expected);
});

test('the local runner executes the synthesised definition', async () => {
  const def = synthesisedDefinition(template, (t) => `arn:aws:lambda:local:000000000000:function:tenant-waves-${t}`, 'local://approvals');
  const provider = new FakeProvider(fleet(6, [1, 2, 3]));
  const store = new InMemoryRolloutStore();
  const result = await runLocalRollout(
    { rolloutId: 'r', service: 'saas-web', target: 'v2', options: DEFAULT_OPTIONS },
    { provider, store },
    { definition: def },
  );
  expect(result.status).toBe('SUCCEEDED');
  expect([...provider.versions.values()]).toEqual(Array(6).fill('v2'));
});

test('logging (ALL, with execution data) and tracing on the state machine', () => {
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    StateMachineName: 'tenant-waves-saas-web',
    TracingConfiguration: { Enabled: true },
    LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
  });
});

test('approval queue: encrypted, SSL only, with a dead-letter queue', () => {
  template.resourceCountIs('AWS::SQS::Queue', 2);
  template.hasResourceProperties('AWS::SQS::Queue', {
    SqsManagedSseEnabled: true,
    RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('task Lambdas: nodejs22.x, traced, one per task', () => {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } } });
  expect(Object.values(fns).map((f: any) => f.Properties.Handler).sort()).toEqual(TASK_NAMES.map((t) => `index.${t}`).sort());
});

function statements(t: Template) {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('least privilege, Proton step: only this service\'s instances', () => {
  const proton = statements(template).filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('proton:')));
  expect(proton).toHaveLength(1);
  expect(JSON.stringify(proton[0].Resource)).toContain(':service/saas-web/service-instance/*');
  expect(statements(template).some((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('cloudformation:')))).toBe(false);
});

test('least privilege, CloudFormation step: only this service\'s instance stacks', () => {
  const cfn = synth({ kind: 'cloudformation', stackPrefix: 'tw' }).template;
  const st = statements(cfn).filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('cloudformation:')));
  expect(st).toHaveLength(1);
  expect(JSON.stringify(st[0].Resource)).toContain(':stack/tw-saas-web-*/*');
  expect(statements(cfn).some((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('proton:')))).toBe(false);
});

test.each<[string, DeployStep]>([
  ['proton', { kind: 'proton' }],
  ['cloudformation', { kind: 'cloudformation', stackPrefix: 'tw' }],
])('cdk-nag AwsSolutions: no unacknowledged findings (%s step)', (_name, step) => {
  const s = step.kind === 'proton' ? stack : synth(step).stack;
  const report = new AwsSolutionsChecks().validateScope(s);
  expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`))).toEqual([]);
});
