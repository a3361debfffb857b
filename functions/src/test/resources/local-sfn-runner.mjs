// Runs an ASL definition in aws-local-stepfunctions (an independent ASL engine) for a list of
// inputs and prints one JSON line per execution. Task states call Lambda through the AWS SDK,
// which honours AWS_ENDPOINT_URL_LAMBDA: the Java test serves the real handlers there.
//
// usage: node local-sfn-runner.mjs <tools dir> <job.json>
//   job.json: {"definition": "<path>", "substitutions": {"ValidateFunctionArn": "arn:..."},
//              "zeroRetryWait": true, "executions": [{"name": "...", "input": <json>}]}
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [toolsDir, jobFile] = process.argv.slice(2);
const { StateMachine } = await import(pathToFileURL(
  path.join(toolsDir, 'node_modules/aws-local-stepfunctions/build/main.node.esm.js')).href);

const job = JSON.parse(await readFile(jobFile, 'utf8'));
let text = await readFile(job.definition, 'utf8');
for (const [name, value] of Object.entries(job.substitutions ?? {})) {
  text = text.split('${' + name + '}').join(value);
}
const definition = JSON.parse(text);

// Every state with a Retry gets a zero wait, so failure-path tests do not sleep through backoff.
const retryIntervalOverrides = {};
if (job.zeroRetryWait) {
  const visit = (states) => {
    for (const [name, s] of Object.entries(states)) {
      if (s.Retry) retryIntervalOverrides[name] = 0;
      const inner = s.ItemProcessor ?? s.Iterator;
      if (inner) visit(inner.States);
      for (const b of s.Branches ?? []) visit(b.States);
    }
  };
  visit(definition.States);
}

const machine = new StateMachine(definition);
for (const ex of job.executions) {
  try {
    const execution = machine.run(ex.input, { overrides: { retryIntervalOverrides } });
    const output = await execution.result;
    process.stdout.write(JSON.stringify({ name: ex.name, ok: true, output }) + '\n');
  } catch (e) {
    // The engine wraps the failing error (e.g. a Fail state's Error) in an ExecutionError.
    const inner = e?.cause ?? e;
    process.stdout.write(JSON.stringify({ name: ex.name, ok: false, error: inner?.name ?? String(inner),
      cause: inner?.message ?? '' }) + '\n');
  }
}
