/**
 * Legal: a board that declares 5,000 regions (two frames each, a frame apart): the handshake carries them within its
 * limit of bytes, and the judge finds a frame's region among them by halves.
 */
import { identityHal } from "../../../impls/identity.ts";

/** Judged by halves 10,000 frames of 5,000 regions: tested on its own, seeds 1-10 (regions_edges_test.ts), not in the
 * corpus loop, which ran it again on 10 other seeds (18 s of CPU for nothing the edge test does not show). */
export const heavy = true;

const memory = Array.from({ length: 5_000 }, (_, i) => ({ start: 0x8000_0000n + BigInt(i) * 0x3000n, size: 0x2000n }));

export default identityHal({ name: "regions-5000", memory });
