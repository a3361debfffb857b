// Simulates, for every role of the synthesized templates, the AWS calls its code makes (allowed)
// and calls it must not be able to make (denied), with @cloud-copilot/iam-simulate (.tools).
// The calls are listed beside the code that makes them (functions/aws-calls.json,
// sender/aws-calls.json, cdk/aws-calls.json); the cdk module's IamSimulationTest runs this.
// Usage: node cdk/tools/iam-check.mjs <cdk.out dir> <account> <calls.json>...   (prints JSON lines)
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const require = createRequire(resolve(root, '.tools/package.json'));
const { runSimulation } = await import(require.resolve('@cloud-copilot/iam-simulate'));

const [outDir, account, ...callFiles] = process.argv.slice(2);
const files = readdirSync(outDir).filter((f) => f.endsWith('.template.json'));
if (files.length === 0) throw new Error('no templates in ' + outDir);

/** A resource's value as CloudFormation would resolve it, for the intrinsics our templates use. */
function resolver(template, region) {
  const res = template.Resources;
  const name = (id, prop) => res[id].Properties?.[prop] ?? id;
  const ref = (id) => {
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::Region') return region;
    if (id === 'AWS::AccountId') return account;
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    const r = res[id];
    if (!r) throw new Error('Ref to unknown ' + id);
    switch (r.Type) {
      case 'AWS::DynamoDB::Table': case 'AWS::DynamoDB::GlobalTable': return name(id, 'TableName');
      case 'AWS::StepFunctions::StateMachine': return `arn:aws:states:${region}:${account}:stateMachine:${name(id, 'StateMachineName')}`;
      case 'AWS::Lambda::Function': return name(id, 'FunctionName');
      case 'AWS::Lambda::Alias': return `arn:aws:lambda:${region}:${account}:function:${value(r.Properties.FunctionName)}:${r.Properties.Name}`;
      case 'AWS::SecretsManager::Secret': return `arn:aws:secretsmanager:${region}:${account}:secret:${id}-AbCdEf`;
      case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${account}:${name(id, 'TopicName')}`;
      case 'AWS::Logs::LogGroup': return name(id, 'LogGroupName');
      case 'AWS::IAM::Role': return name(id, 'RoleName');
      default: return id;
    }
  };
  const getAtt = (id, attr) => {
    const r = res[id];
    if (!r) throw new Error('GetAtt of unknown ' + id);
    if (attr !== 'Arn') return `${id}.${attr}`;
    switch (r.Type) {
      case 'AWS::DynamoDB::Table': case 'AWS::DynamoDB::GlobalTable': return `arn:aws:dynamodb:${region}:${account}:table/${name(id, 'TableName')}`;
      case 'AWS::SQS::Queue': return `arn:aws:sqs:${region}:${account}:${name(id, 'QueueName')}`;
      case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${account}:log-group:${name(id, 'LogGroupName')}:*`;
      case 'AWS::IAM::Role': return `arn:aws:iam::${account}:role/${name(id, 'RoleName')}`;
      case 'AWS::Lambda::Function': return `arn:aws:lambda:${region}:${account}:function:${name(id, 'FunctionName')}`;
      default: throw new Error(`GetAtt ${id}.Arn of ${r.Type}`);
    }
  };
  const value = (v) => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(value);
    if (v.Ref) return ref(v.Ref);
    if (v['Fn::GetAtt']) {
      const [id, attr] = Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'] : v['Fn::GetAtt'].split('.');
      return getAtt(id, attr);
    }
    if (v['Fn::Join']) return v['Fn::Join'][1].map(value).join(v['Fn::Join'][0]);
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
    return v;
  };
  return { value, ref, getAtt };
}

/** The role a selector names: a fixed RoleName, or the role a resource of a type uses in a property. */
function findRole(template, region, selector) {
  const res = template.Resources;
  if (selector.name) {
    const want = selector.name.replaceAll('${Region}', region);
    const ids = Object.keys(res).filter((id) => res[id].Type === 'AWS::IAM::Role' && res[id].Properties.RoleName === want);
    if (ids.length !== 1) throw new Error(`${ids.length} roles named ${want}`);
    return ids[0];
  }
  const owners = Object.values(res).filter((r) => r.Type === selector.type);
  if (owners.length !== 1) throw new Error(`${owners.length} resources of ${selector.type}`);
  const v = owners[0].Properties[selector.property];
  const id = v?.['Fn::GetAtt']?.[0] ?? v?.Ref;
  if (!id || res[id]?.Type !== 'AWS::IAM::Role') throw new Error(`${selector.type}.${selector.property} is not a role of this template`);
  return id;
}

function identityPolicies(template, region, roleId) {
  const { value } = resolver(template, region);
  const out = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x) => x.Ref === roleId)) {
      out.push({ name: id, policy: value(r.Properties.PolicyDocument) });
    }
  }
  for (const p of template.Resources[roleId].Properties.Policies ?? []) out.push({ name: p.PolicyName, policy: value(p.PolicyDocument) });
  for (const m of template.Resources[roleId].Properties.ManagedPolicyArns ?? []) throw new Error('managed policy ' + JSON.stringify(m));
  return out;
}

const substitute = (s, vars) => s.replace(/\$\{(\w+)(?::([^}]+))?\}/g, (_, k, arg) => {
  if (k === 'Arn') return vars.arnOf(arg);
  if (!(k in vars)) throw new Error('unknown placeholder ' + k);
  return vars[k];
});

let failures = 0, checks = 0;
for (const file of files) {
  const template = JSON.parse(readFileSync(resolve(outDir, file), 'utf8'));
  const region = file.replace(/^PacketSource-/, '').replace(/\.template\.json$/, '');
  const { ref, getAtt } = resolver(template, region);
  const arnOf = (prefix) => {
    const ids = Object.keys(template.Resources).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    if (ids.length !== 1) throw new Error(`${ids.length} resources with logical id ${prefix}*`);
    const r = template.Resources[ids[0]];
    return ['AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::IAM::Role'].includes(r.Type) ? getAtt(ids[0], 'Arn') : ref(ids[0]);
  };
  // The provider writes the global registry in the home region's replica (docs/deployment.md).
  const homeRegion = Object.values(template.Resources)
    .map((r) => r.Properties?.Environment?.Variables?.PACKET_SOURCE_HOME_REGION).find((v) => typeof v === 'string') ?? region;
  const vars = { Region: region, HomeRegion: homeRegion, Account: account, Partition: 'aws', arnOf };
  const covered = new Set();
  for (const callFile of callFiles) {
    const spec = JSON.parse(readFileSync(callFile, 'utf8'));
    for (const role of spec.roles) {
      const roleId = findRole(template, region, role.role);
      covered.add(roleId);
      const policies = identityPolicies(template, region, roleId);
      const principal = `arn:aws:iam::${account}:role/${template.Resources[roleId].Properties.RoleName ?? roleId}`;
      for (const [expect, calls] of [['Allowed', role.allowed ?? []], ['Denied', role.denied ?? []]]) {
        for (const call of calls) {
          const resource = substitute(call.resource, vars);
          const context = Object.fromEntries(Object.entries(call.context ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : substitute(v, vars)]));
          // A call into another account needs that account's side too (a role's trust policy, a
          // topic's policy): the call file states it, with our role's ARN as ${Principal}.
          const resourcePolicy = call.resourcePolicy
            ? JSON.parse(substitute(JSON.stringify(call.resourcePolicy), { ...vars, Principal: principal })) : undefined;
          const response = await runSimulation({
            identityPolicies: policies, serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy,
            request: { principal, action: call.action, resource: { resource, accountId: resource.split(':')[4] || account }, contextVariables: context },
          }, {});
          const got = response.resultType === 'error' ? 'Error: ' + JSON.stringify(response.errors) : response.overallResult;
          const ok = expect === 'Allowed' ? got === 'Allowed' : got === 'ImplicitlyDenied' || got === 'ExplicitlyDenied';
          checks++;
          if (!ok) failures++;
          console.log(JSON.stringify({ ok, region, role: role.role.name ?? role.role.type, action: call.action, resource, expect, got, by: call.by ?? call.why }));
        }
      }
    }
  }
  // Every role of the template must have its calls listed: a role nobody lists is unchecked.
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Role' && !covered.has(id)) {
      failures++;
      console.log(JSON.stringify({ ok: false, region, role: id, expect: 'listed in a calls file', got: 'no calls listed' }));
    }
  }
}
console.log(JSON.stringify({ summary: true, checks, failures }));
