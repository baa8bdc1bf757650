#!/usr/bin/env python3
"""The real token link, modelled (issue 14, "The token link"): time on the UART for one SIGN, from the frame rules of
firmware/PROTOCOL.md, against the ATECC608B's own sign time. Every input is a flag; defaults are the figures
docs/benchmarks.md uses. Prints one row per (baud, protocol) and the share of the chip's time the link adds.

  python3 tests/bench/token-link-model.py                         # the table in docs/benchmarks.md
  python3 tests/bench/token-link-model.py --tbs 2068 --binding 1315 --chip-ms 115 --turnaround-ms 2
"""
import argparse
import math

MAX_PAYLOAD = 240          # PROTOCOL.md "Messages and chunking"
FRAME_OVERHEAD = 8         # version, type, flags, sequence, length (2), CRC (2)
SIGN_REPLY = 144           # signature 64, counter 8, entry hash 32, time 8, previous hash 32
P2_HEADER = 6              # magic 4, binding offset 2
P3_HEADER = 42             # magic 4, binding offset 2, midstate 32, prefix length 4


def wire_bytes(payload):
    """Bytes on the wire for one frame: COBS(body) + 0x00 (COBS adds 1 byte per 254 and one in front)."""
    body = payload + FRAME_OVERHEAD
    return body + 1 + body // 254 + 1


def message(payload):
    """(bytes host to token, bytes token to host for CONTINUE, round trips) for one request message."""
    chunks = max(1, math.ceil(payload / MAX_PAYLOAD))
    to_token = 1 + sum(wire_bytes(min(MAX_PAYLOAD, payload - i * MAX_PAYLOAD)) for i in range(chunks))  # leading 0x00
    continues = (chunks - 1) * wire_bytes(0)
    return to_token, continues, chunks


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tbs", type=int, default=2068, help="to-be-signed bytes (COSE Sig_structure); measured by tests/bench/token-link.cs")
    p.add_argument("--binding", type=int, default=1315, help="offset of the counter binding in them")
    p.add_argument("--chip-ms", type=float, default=115.0, help="ATECC608B Sign execution time (cryptoauthlib calib_execution.c, 608 at clock divider M0)")
    p.add_argument("--turnaround-ms", type=float, default=2.0, help="USB-UART bridge round trip per CONTINUE and for the reply (assumed: full-speed USB frames are 1 ms)")
    p.add_argument("--bauds", default="115200,460800,921600,2000000")
    a = p.parse_args()

    prefix = a.binding // 64 * 64
    shapes = {
        "protocol 2 (whole Sig_structure)": P2_HEADER + a.tbs,
        "protocol 3 (midstate + tail)": P3_HEADER + a.tbs - prefix,
    }
    budget = 0.25 * a.chip_ms
    print(f"Sig_structure {a.tbs} B, binding at {a.binding}: protocol 3 hashes {prefix} B on the host; chip Sign {a.chip_ms:g} ms, budget 25% = {budget:.1f} ms")
    print("| baud | request | payload | chunks | bytes on the wire (both ways) | wire ms | round trips × turnaround | link ms | link / chip |")
    print("|---|---|---|---|---|---|---|---|---|")
    for baud in [int(b) for b in a.bauds.split(",")]:
        for name, payload in shapes.items():
            to_token, continues, chunks = message(payload)
            total = to_token + continues + wire_bytes(SIGN_REPLY)
            wire_ms = total * 10 / baud * 1000          # 8N1: 10 bits a byte
            trips = chunks                               # each CONTINUE, and the final reply
            link_ms = wire_ms + trips * a.turnaround_ms
            print(f"| {baud} | {name} | {payload} | {chunks} | {total} | {wire_ms:.1f} | {trips} × {a.turnaround_ms:g} | {link_ms:.1f} | {link_ms / a.chip_ms:.0%} |")


if __name__ == "__main__":
    main()
