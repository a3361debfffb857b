// The state machine's CloudWatch log volume per execution (level ALL, no execution data), for
// docs/cost.md: runs statemachines/packet-source.asl.json in aws-local-stepfunctions (.tools)
// with canned Task results for one batch of B messages that makes N egress batches, counts the
// states it passes through, and writes each as the history events Step Functions logs for it,
// in the documented log format with this deployment's ARNs, to measure their bytes.
// Usage (repository root): .tools/node_modules/.bin/node cdk/tools/sfn-log-volume.mjs [egressBatches]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const require = createRequire(resolve(root, '.tools/package.json'));
const { StateMachine } = await import(require.resolve('aws-local-stepfunctions'));

const batches = Number(process.argv[2] ?? 1);
const region = 'us-east-1', account = '123456789012';
let definition = readFileSync(resolve(root, 'statemachines/packet-source.asl.json'), 'utf8');
for (const fn of ['Validate', 'LookupSessions', 'Egress', 'ReportFailures']) {
  definition = definition.replaceAll('${' + fn + 'FunctionArn}',
    `arn:aws:lambda:${region}:${account}:function:packet-source-${fn}:live`);
}
const canned = {
  Validate: async () => ({ Packets: [], PublishedAt: {}, Redelivered: [] }),
  LookupSessions: async () => ({ Batches: Array.from({ length: batches }, (_, i) => ({ Records: [`m${i}`] })) }),
  Egress: async () => ({ Failed: [] }),
  ReportFailures: async () => ({ batchItemFailures: [] }),
};
const machine = new StateMachine(JSON.parse(definition), { validationOptions: { checkArn: false } });
const run = machine.run([], { overrides: { taskResourceLocalHandlers: canned } });
const local = [];
for await (const e of run.eventLogs) local.push(e);
await run.result;

// What Step Functions logs for each local event (CloudWatch Logs, one JSON per history event).
const history = [];
for (const raw of local) {
  const e = { ...raw, stateName: raw.state?.name };
  const t = raw.state?.type;
  if (e.type === 'ExecutionStarted') history.push(['ExecutionStarted', { input: '', inputDetails: { truncated: false }, roleArn: `arn:aws:iam::${account}:role/PacketSource-us-east-1-PipelineStateMachineRole61BEBDF-ABCDEFGHIJKL` }]);
  else if (e.type === 'ExecutionSucceeded') history.push(['ExecutionSucceeded', { output: '', outputDetails: { truncated: false } }]);
  else if (e.type === 'StateEntered' && t === 'Task') history.push(['TaskStateEntered', { name: e.stateName, input: '', inputDetails: { truncated: false } }]);
  else if (e.type === 'StateExited' && t === 'Task') {
    history.push(['TaskScheduled', { resourceType: 'lambda', resource: 'invoke', region, parameters: '', timeoutInSeconds: 30 }]);
    history.push(['TaskStarted', { resourceType: 'lambda', resource: 'invoke' }]);
    history.push(['TaskSucceeded', { resourceType: 'lambda', resource: 'invoke', output: '', outputDetails: { truncated: false } }]);
    history.push(['TaskStateExited', { name: e.stateName, output: '', outputDetails: { truncated: false } }]);
  } else if (e.type === 'StateEntered' && t === 'Map') { history.push(['MapStateEntered', { name: e.stateName, input: '' }]); history.push(['MapStateStarted', { length: batches }]); }
  else if (e.type === 'StateExited' && t === 'Map') { history.push(['MapStateSucceeded', {}]); history.push(['MapStateExited', { name: e.stateName, output: '' }]); }
  else if (e.type === 'MapIterationStarted') history.push(['MapIterationStarted', { name: 'EgressBatches', index: raw.index }]);
  else if (e.type === 'MapIterationSucceeded') history.push(['MapIterationSucceeded', { name: 'EgressBatches', index: raw.index }]);
  else if (e.type === 'StateEntered' && t === 'Pass') history.push(['PassStateEntered', { name: e.stateName, input: '' }]);
  else if (e.type === 'StateExited' && t === 'Pass') history.push(['PassStateExited', { name: e.stateName, output: '' }]);
}
const arn = `arn:aws:states:${region}:${account}:express:packet-source:0b5a1f1e-3c1d-4e8a-9d0e-7f1a2b3c4d5e:8f2c6a1d-5b4e-4c3a-a1b2-c3d4e5f6a7b8`;
let bytes = 0;
history.forEach(([type, details], i) => {
  bytes += Buffer.byteLength(JSON.stringify({ id: String(i + 1), type, details, previous_event_id: String(i),
    event_timestamp: '1796564377393', execution_arn: arn, redrive_count: '0' }));
});
console.log(JSON.stringify({ egressBatches: batches, localEvents: local.length, loggedEvents: history.length,
  bytes, bytesPerEvent: Math.round(bytes / history.length) }));
