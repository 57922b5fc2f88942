// Checks OTLP/JSON files with the OpenTelemetry project's own code, not ours: every line is
// one LogsData object that its generated protobuf types (@opentelemetry/otlp-transformer)
// accept, that encodes to the wire format and decodes back (as LogsData and as the Collector's
// ExportLogsServiceRequest) to exactly the same object, so no field is misspelled, misplaced or
// of the wrong type; and every attribute name is the semantic conventions' own
// (@opentelemetry/semantic-conventions), or ddcrash's namespaced ones.
//
// usage: node verify_otlp.js NODE_MODULES FILE...   Prints "verified N records"; exits 1 on
// the first problem.
"use strict";
const path = require("path");
const assert = require("assert");

const nodeModules = process.argv[2];
const files = process.argv.slice(3);
const need = (name) => require(path.join(nodeModules, name));
const root = need("@opentelemetry/otlp-transformer/build/src/generated/root");
const semconv = need("@opentelemetry/semantic-conventions");
const incubating = need("@opentelemetry/semantic-conventions/build/src/index-incubating");
const fs = require("fs");

const LogsData = root.opentelemetry.proto.logs.v1.LogsData;
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
const SeverityNumber = root.opentelemetry.proto.logs.v1.SeverityNumber;

// The attribute names ddcrash may use that are not its own, from the conventions' constants.
const resourceKeys = new Map([
  [semconv.ATTR_SERVICE_NAME, "stringValue"],
  [incubating.ATTR_HOST_NAME, "stringValue"],
  [incubating.ATTR_PROCESS_PID, "intValue"],
  [incubating.ATTR_PROCESS_EXECUTABLE_PATH, "stringValue"],
  [incubating.ATTR_PROCESS_RUNTIME_NAME, "stringValue"],
  [incubating.ATTR_PROCESS_RUNTIME_VERSION, "stringValue"],
]);
const recordKeys = new Map([
  [semconv.ATTR_EXCEPTION_TYPE, "stringValue"],
  [semconv.ATTR_EXCEPTION_MESSAGE, "stringValue"],
  [semconv.ATTR_EXCEPTION_STACKTRACE, "stringValue"],
  [incubating.ATTR_THREAD_ID, "intValue"],
  [incubating.ATTR_THREAD_NAME, "stringValue"],
]);
const ownKeys = new Map([
  ["ddcrash.signal.name", "stringValue"],
  ["ddcrash.signal.number", "intValue"],
  ["ddcrash.signal.code", "stringValue"],
  ["ddcrash.fingerprint", "stringValue"],
  ["ddcrash.report.path", "stringValue"],
  ["ddcrash.trigger", "stringValue"],
]);

const toObjectOptions = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false };

function checkAttributes(where, attributes, allowed, required) {
  const seen = new Set();
  for (const { key, value } of attributes) {
    assert(!seen.has(key), `${where}: attribute ${key} twice`);
    seen.add(key);
    const type = allowed.get(key) || ownKeys.get(key);
    assert(type !== undefined, `${where}: attribute ${key} is neither a semantic convention nor ddcrash.*`);
    assert.deepStrictEqual(Object.keys(value), [type], `${where}: ${key} must be a ${type}`);
  }
  for (const key of required) assert(seen.has(key), `${where}: no ${key}`);
  return seen;
}

let records = 0;
for (const file of files) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  assert.strictEqual(lines.pop(), "", `${file}: the last line must end in a newline`);
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const parsed = JSON.parse(line);
    const message = LogsData.fromObject(parsed);
    const bytes = LogsData.encode(message).finish();
    assert.deepStrictEqual(LogsData.toObject(LogsData.decode(bytes), toObjectOptions), parsed,
                           `${where}: not exactly what LogsData holds`);
    assert.deepStrictEqual(
        ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(bytes), toObjectOptions), parsed,
        `${where}: not exactly what ExportLogsServiceRequest holds`);

    assert.strictEqual(parsed.resourceLogs.length, 1, `${where}: one resource`);
    const resourceLogs = parsed.resourceLogs[0];
    checkAttributes(`${where} resource`, resourceLogs.resource.attributes, resourceKeys,
                    [semconv.ATTR_SERVICE_NAME, incubating.ATTR_PROCESS_PID]);
    assert.strictEqual(resourceLogs.scopeLogs[0].scope.name, "ddcrash", `${where}: scope`);
    for (const record of resourceLogs.scopeLogs[0].logRecords) {
      const keys = checkAttributes(`${where} record`, record.attributes, recordKeys,
                                   ["ddcrash.fingerprint", "ddcrash.report.path"]);
      if (record.severityNumber === SeverityNumber.SEVERITY_NUMBER_FATAL) {
        assert(keys.has(semconv.ATTR_EXCEPTION_TYPE) && keys.has(semconv.ATTR_EXCEPTION_MESSAGE) &&
               keys.has(semconv.ATTR_EXCEPTION_STACKTRACE), `${where}: a crash without exception.*`);
      }
      assert(/^[0-9]+$/.test(record.timeUnixNano), `${where}: timeUnixNano`);
      assert(typeof record.body.stringValue === "string", `${where}: body`);
      records++;
    }
  });
}
assert(records > 0, "no records at all");
console.log(`verified ${records} records`);
