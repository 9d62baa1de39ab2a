/**
 * The child process: loads one HAL (with only the permissions its
 * supervisor granted) and runs checks on it, streaming each result to the
 * supervisor as it finishes. Started by `supervisor.ts`, never by hand.
 *
 * @module
 */

import { selectChecks } from "../conformance/catalogue.ts";
import type { HalTarget } from "../conformance/hal.ts";
import { executeProgram } from "../conformance/executor.ts";
import { validateProfile } from "../conformance/profile.ts";
import { programFromJson } from "../conformance/program.ts";
import { deniedPermission, runCheck } from "../conformance/runner.ts";
import { encodeValue, traceToJson } from "../conformance/trace_json.ts";
import { referenceHals } from "../impls/mod.ts";
import { loadHalModule } from "./load_target.ts";
import { type ChildEvent, type ChildJob, encodeEvent } from "./protocol.ts";

const encoder = new TextEncoder();

function send(nonce: string, event: ChildEvent): void {
  const bytes = encoder.encode(encodeEvent(nonce, event));
  for (let written = 0; written < bytes.length;) written += Deno.stdout.writeSync(bytes.subarray(written));
}

async function load(source: ChildJob["source"]): Promise<HalTarget> {
  if ("module" in source) return await loadHalModule(source.module);
  const target = referenceHals().find((candidate) => candidate.name === source.reference);
  if (!target) throw new Error(`no reference HAL named ${source.reference}`);
  return target;
}

async function main(): Promise<void> {
  const nonce = Deno.args[0];
  const job = JSON.parse(
    new TextDecoder().decode(Uint8Array.from(atob(Deno.args[1]), (c) => c.charCodeAt(0))),
  ) as ChildJob;
  let target: HalTarget;
  try {
    target = await load(job.source);
  } catch (error) {
    send(nonce, { type: "loadError", message: (error as Error).message });
    return;
  }
  send(nonce, { type: "loaded", target: target.name });
  if (job.kind === "execute") {
    // The program runs here, in the sandbox; the trace goes back whole and is judged by the supervisor.
    const trace = executeProgram(target, validateProfile(target.profile), programFromJson(job.program));
    send(nonce, { type: "traced", trace: traceToJson(trace), profile: encodeValue(target.profile) });
    return;
  }
  // A HAL may start something asynchronous (a socket, a fetch) that the sandbox rejects after the
  // call returned; such rejections are caught here and charged to the check that was running.
  const asyncDenials: string[] = [];
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
    asyncDenials.push(reason.split("\n")[0]);
  });
  for (const id of job.checks) {
    const [check] = selectChecks([id]);
    send(nonce, { type: "begin", check: id });
    asyncDenials.length = 0;
    let result = runCheck(target, check, { seed: job.seed, runs: job.runs, timeLimitMs: job.timeLimitMs });
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (asyncDenials.length > 0 && result.status !== "error") {
      const denied = deniedPermission(asyncDenials[0]);
      result = {
        ...result,
        status: "error",
        reason: denied
          ? `the HAL asked for ${denied}: denied by the sandbox`
          : `the HAL left a rejected promise: ${asyncDenials[0]}`,
        ...(denied ? { denied } : {}),
      };
    }
    send(nonce, { type: "result", result });
  }
}

if (import.meta.main) await main();
