import type { Scope } from './runtime.js';

/** What a state adds to the context object. */
export interface StateContextInput {
  name: string;
  enteredTime: string;
  /** Only states that can retry (Task, Map, Parallel) show RetryCount, as on AWS. */
  retryCount?: number;
  mapItem?: { Index: number; Value: unknown };
}

/** `$states.context`, shaped as DG input-output-contextobject.html describes. */
export function contextObject(scope: Scope, state: StateContextInput): Record<string, unknown> {
  const rt = scope.rt;
  const execution: Record<string, unknown> = {
    Id: rt.arn,
    Input: rt.input,
    Name: rt.name,
    RoleArn: rt.roleArn,
    StartTime: rt.startTime,
    RedriveCount: rt.redriveCount,
  };
  if (rt.redriveTime) execution.RedriveTime = rt.redriveTime;
  const stateObject: Record<string, unknown> = { EnteredTime: state.enteredTime, Name: state.name };
  if (state.retryCount !== undefined) stateObject.RetryCount = state.retryCount;
  const context: Record<string, unknown> = {
    Execution: execution,
    State: stateObject,
    StateMachine: { Id: rt.stateMachineArn, Name: rt.stateMachineName },
  };
  if (state.mapItem) context.Map = { Item: state.mapItem };
  return context;
}
