/**
 * Legal: a 64 GiB board (two regions on one node) tested through a 1 MiB
 * window that straddles the gap between them: the instance allocates from
 * the window only, and translates the whole board.
 */
import { offsetHal } from "../../../impls/offset.ts";

export default offsetHal({
  name: "board-window",
  memory: [
    { start: 0x40_0000_0000n, size: 0x8_0000_0000n },
    { start: 0x48_0008_0000n, size: 0x7_fff8_0000n },
  ],
  testWindow: { start: 0x47_fff8_0000n, size: 0x10_0000n },
});
