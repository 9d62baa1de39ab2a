/**
 * Legal: a board that declares 5,000 regions (two frames each, a frame apart): the handshake carries them within its
 * limit of bytes, and the judge finds a frame's region among them by halves.
 */
import { identityHal } from "../../../impls/identity.ts";

const memory = Array.from({ length: 5_000 }, (_, i) => ({ start: 0x8000_0000n + BigInt(i) * 0x3000n, size: 0x2000n }));

export default identityHal({ name: "regions-5000", memory });
