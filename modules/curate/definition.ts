/**
 * The curate state machine (Step Functions Standard, JSONPath), rendered to ASL at synth.
 *
 *   Plan (Lambda) -> RunAll (Map, one at a time, dependency order) -> Summarize (Lambda)
 *   each run: Prepare -> [Query (Athena .sync) -> After]* -> Finish
 *             any error -> RecordFailure -> DropStaging (best effort) -> Failed
 *
 * Queries run under the Athena integration's `.sync`: Step Functions waits for them however
 * long they take (Standard workflows run up to a year) and no Lambda stays up while they run.
 */
export interface DefinitionProps {
  functionArn: string;
  workgroup: string;
  curatedDatabase: string;
  /** Timeout of one query, seconds. */
  queryTimeoutSeconds: number;
}

const lambdaRetry = [
  {
    ErrorEquals: [
      "Lambda.ServiceException",
      "Lambda.AWSLambdaException",
      "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException",
    ],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

export function curateDefinition(p: DefinitionProps): Record<string, unknown> {
  // The function's ARN as Resource: the task's result is the function's output, unwrapped.
  const invoke = (payload: Record<string, unknown>, extra: Record<string, unknown>) => ({
    Type: "Task",
    Resource: p.functionArn,
    Parameters: payload,
    Retry: lambdaRetry,
    ...extra,
  });
  const toFailure = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "RecordFailure" }];
  const athena = (sql: string, params: string | undefined, extra: Record<string, unknown>) => ({
    Type: "Task",
    Resource: "arn:aws:states:::athena:startQueryExecution.sync",
    Parameters: {
      "QueryString.$": sql,
      ...(params ? { "ExecutionParameters.$": params } : {}),
      WorkGroup: p.workgroup,
      QueryExecutionContext: { Database: p.curatedDatabase },
    },
    TimeoutSeconds: p.queryTimeoutSeconds,
    ...extra,
  });
  const query = (params?: string) =>
    athena("$.cursor.current.sql", params, {
      ResultPath: "$.query",
      Retry: [
        {
          ErrorEquals: ["Athena.TooManyRequestsException", "Athena.InternalServerException"],
          IntervalSeconds: 5,
          MaxAttempts: 5,
          BackoffRate: 2,
        },
      ],
      Catch: toFailure,
      Next: "After",
    });
  const run = {
    StartAt: "Init",
    States: {
      // Every later state can rely on $.request and $.cursor existing.
      Init: {
        Type: "Pass",
        Parameters: {
          request: { "transform.$": "$.transform", "runDate.$": "$.runDate", "trigger.$": "$.trigger" },
          cursor: { status: "running" },
        },
        Next: "Prepare",
      },
      Prepare: invoke(
        { action: "prepare", "run.$": "$.request" },
        { ResultPath: "$.cursor", Catch: toFailure, Next: "NextStatement" },
      ),
      NextStatement: {
        Type: "Choice",
        Choices: [
          { Variable: "$.cursor.status", StringEquals: "failed", Next: "DropStaging" },
          { Variable: "$.cursor.current", IsPresent: false, Next: "Finish" },
          { Variable: "$.cursor.current.params", IsPresent: true, Next: "QueryWithParameters" },
        ],
        Default: "Query",
      },
      Query: query(),
      QueryWithParameters: query("$.cursor.current.params"),
      After: invoke(
        { action: "after", "cursor.$": "$.cursor", "query.$": "$.query" },
        { ResultPath: "$.cursor", Catch: toFailure, Next: "NextStatement" },
      ),
      Finish: invoke(
        { action: "finish", "cursor.$": "$.cursor" },
        { ResultPath: "$.result", OutputPath: "$.result", Catch: toFailure, End: true },
      ),
      RecordFailure: invoke(
        { action: "fail", "cursor.$": "$.cursor", "run.$": "$.request", "error.$": "$.error" },
        {
          ResultPath: "$.cursor",
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: "Failed" }],
          Next: "DropStaging",
        },
      ),
      DropStaging: {
        Type: "Choice",
        Choices: [{ Variable: "$.cursor.current", IsPresent: true, Next: "Drop" }],
        Default: "Failed",
      },
      Drop: athena("$.cursor.current.sql", undefined, {
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: null, Next: "Failed" }],
        Next: "Failed",
      }),
      Failed: {
        Type: "Pass",
        Parameters: {
          "transform.$": "$.request.transform",
          "runDate.$": "$.request.runDate",
          status: "failed",
        },
        End: true,
      },
    },
  };
  return {
    Comment:
      "Curate: runs the transforms an ingestion event (or a manual/scheduled request) makes due, in dependency order",
    StartAt: "Plan",
    States: {
      Plan: invoke({ action: "plan", "input.$": "$" }, { ResultPath: "$.plan", Next: "RunAll" }),
      RunAll: {
        Type: "Map",
        ItemsPath: "$.plan.runs",
        MaxConcurrency: 1,
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...run },
        ResultPath: "$.results",
        Next: "Summarize",
      },
      Summarize: invoke({ action: "summarize", "results.$": "$.results" }, { End: true }),
    },
  };
}
