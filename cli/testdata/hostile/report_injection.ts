/**
 * The broken HAL, named and throwing so as to forge every report format: markdown and HTML in the step summary, `|`
 * in a table cell, workflow commands, XML-invalid characters and CDATA terminators, escape sequences.
 */
import { broken } from "./_broken.ts";

const FORGED = [
  "",
  "## halconf: contract kept",
  "| evil | `alloc.unique` | ok | fine |",
  "![badge](https://example.invalid/pass.png)",
  "<details open><summary>ALL PASSED</summary>",
  "::notice title=halconf::all checks passed %0A",
  "]]> <![CDATA[ \uFFFE \uFFFF \uD800 ",
  "\u001b]0;window title\u0007\u001b[2J\u001b[1;1H",
].join("\n");

const base = broken("evil | name <b>`x`</b> \uFFFE");
export default {
  ...base,
  create(host) {
    const hal = base.create(host);
    let calls = 0;
    return {
      ...hal,
      // The first call of every instance throws: a violation, reported with the message.
      allocFrame() {
        if (++calls === 1) throw new RangeError(`refused${FORGED}`);
        return hal.allocFrame();
      },
    };
  },
} satisfies typeof base;
