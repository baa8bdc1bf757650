#!/usr/bin/env python3
"""Native start-up and one read: prov (native AOT and `dotnet prov.dll`) beside openssl, interleaved, as ratios.

Usage (from the repository root, after both publishes of docs/benchmarks.md "Native start-up and one read"):
    python3 tests/bench/native_start_and_one_read.py [--rounds-small 30] [--rounds-big 5] [--mb 300] [--jpeg-size 8400x6150]

The big JPEG (about 50 MB at the default size, quality 100) is made once by tests/bench/make-photo.cs (SkiaSharp); signing it and
the TIFF includes the claim thumbnail and the ISCC fingerprint, which the script checks in the signed files.

Each round runs every command of a group once, in an order that rotates from round to round, so a load that comes
and goes on a shared machine falls on all of them alike. Prints per command the median and the fastest wall time,
and per comparison the ratio of medians and of fastest times (ours / reference). Not a test: nothing here passes or
fails on a time.
"""
import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AOT = os.path.join(ROOT, "artifacts", "prov-aot", "prov")
JIT = os.path.join(ROOT, "artifacts", "prov-jit", "prov.dll")


def write_tiff(path, size):
    """An uncompressed 8-bit greyscale TIFF of about `size` bytes: one strip of pseudo-random pixels, IFD at the end."""
    width = 10000
    height = size // width
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        f.write(b"II*\x00" + struct.pack("<I", 0))
        left = width * height
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
        if f.tell() % 2:
            f.write(b"\x00")
        ifd = f.tell()
        entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                   (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, width * height)]
        f.write(struct.pack("<H", len(entries)))
        for tag, typ, count, value in entries:
            f.write(struct.pack("<HHI", tag, typ, count) + (struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value)))
        f.write(struct.pack("<I", 0))
        f.seek(4)
        f.write(struct.pack("<I", ifd))


def has_pixels(exe, path, env):
    """True when prov's verification of a signed file shows a thumbnail and an ISCC soft binding."""
    out = subprocess.run([exe, "verify", path, "--json"], env=env, capture_output=True, text=True).stdout
    return '"thumbnail"' in out and "c2pa.soft-binding" in out


def run(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, shell=isinstance(cmd, str))
    return time.perf_counter() - start


def interleave(name, commands, rounds, env):
    times = {label: [] for label, _ in commands}
    for label, cmd in commands:  # one warm-up each (page cache, first-run work)
        run(cmd, env)
    for r in range(rounds):
        order = commands[r % len(commands):] + commands[:r % len(commands)]
        for label, cmd in order:
            times[label].append(run(cmd, env))
    print(f"\n## {name} ({rounds} interleaved rounds)")
    for label, _ in commands:
        t = times[label]
        print(f"  {label:40s} median {statistics.median(t) * 1000:9.1f} ms   fastest {min(t) * 1000:9.1f} ms")
    return times


def ratio(times, ours, reference):
    med = statistics.median(times[ours]) / statistics.median(times[reference])
    fast = min(times[ours]) / min(times[reference])
    print(f"  {ours} / {reference}: {med:.2f} (medians), {fast:.2f} (fastest)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds-small", type=int, default=30)
    parser.add_argument("--rounds-big", type=int, default=5)
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--jpeg-size", default="8400x6150")
    parser.add_argument("--skip-small", action="store_true")
    args = parser.parse_args()
    for exe in (AOT, JIT):
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing: publish it first (docs/benchmarks.md)")

    work = tempfile.mkdtemp(prefix="prov-bench-")
    env = dict(os.environ, PROV_HOME=os.path.join(work, "home"), PROV_NO_HARDWARE_PROBE="1", NO_COLOR="1")
    try:
        small = os.path.join(work, "small.jpg")
        subprocess.run([AOT, "sign", os.path.join(ROOT, "samples", "artwork.jpg"), "--out", small, "--source", "scan"], env=env, check=True, capture_output=True)
        big = os.path.join(work, "big.tif")
        write_tiff(big, args.mb * 1000 * 1000)
        big_signed = os.path.join(work, "big.signed.tif")
        subprocess.run([AOT, "sign", big, "--out", big_signed, "--source", "scan"], env=env, check=True, capture_output=True)
        jpeg = os.path.join(work, "big.jpg")
        w, h = args.jpeg_size.split("x")
        subprocess.run(["dotnet", "run", os.path.join(ROOT, "tests", "bench", "make-photo.cs"), "--", jpeg, w, h, "100"], check=True, capture_output=True)
        jpeg_signed = os.path.join(work, "big.signed.jpg")
        subprocess.run([AOT, "sign", jpeg, "--out", jpeg_signed, "--source", "scan"], env=env, check=True, capture_output=True)
        print(f"small file {os.path.getsize(small)} bytes; big TIFF {os.path.getsize(big_signed)} bytes; "
              f"big JPEG {args.jpeg_size} {os.path.getsize(jpeg)} bytes; {os.cpu_count()} cores")
        print(f"thumbnail and ISCC soft binding in the signed TIFF: {has_pixels(AOT, big_signed, env)}, in the signed JPEG: {has_pixels(AOT, jpeg_signed, env)}")

        if not args.skip_small:
            small_start_up(small, args, env)

        t = interleave(f"verify a {os.path.getsize(jpeg_signed) // 1000000} MB JPEG", [
            ("prov verify (native AOT)", [AOT, "verify", jpeg_signed]),
            ("openssl dgst -sha256", ["openssl", "dgst", "-sha256", jpeg_signed]),
        ], args.rounds_big, env)
        ratio(t, "prov verify (native AOT)", "openssl dgst -sha256")

        out_jpeg = os.path.join(work, "out.jpg")
        t = interleave(f"sign a {os.path.getsize(jpeg) // 1000000} MB JPEG (thumbnail and fingerprint included)", [
            ("prov sign (native AOT)", [AOT, "sign", jpeg, "--out", out_jpeg, "--source", "scan", "--force"]),
            ("openssl dgst -sha256 + cp", f"openssl dgst -sha256 '{jpeg}' && cp '{jpeg}' '{out_jpeg}'"),
        ], args.rounds_big, env)
        ratio(t, "prov sign (native AOT)", "openssl dgst -sha256 + cp")

        big_tiff(big, big_signed, work, args, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def small_start_up(small, args, env):
    t = interleave("verify a small signed JPEG (start-up)", [
        ("prov verify (native AOT)", [AOT, "verify", small]),
        ("dotnet prov.dll verify", ["dotnet", JIT, "verify", small]),
        ("openssl dgst -sha256", ["openssl", "dgst", "-sha256", small]),
    ], args.rounds_small, env)
    ratio(t, "prov verify (native AOT)", "openssl dgst -sha256")
    ratio(t, "dotnet prov.dll verify", "openssl dgst -sha256")
    ratio(t, "dotnet prov.dll verify", "prov verify (native AOT)")


def big_tiff(big, big_signed, work, args, env):
    t = interleave(f"verify a {args.mb} MB TIFF", [
        ("prov verify (native AOT)", [AOT, "verify", big_signed]),
        ("dotnet prov.dll verify", ["dotnet", JIT, "verify", big_signed]),
        ("openssl dgst -sha256", ["openssl", "dgst", "-sha256", big_signed]),
    ], args.rounds_big, env)
    ratio(t, "prov verify (native AOT)", "openssl dgst -sha256")
    ratio(t, "dotnet prov.dll verify", "openssl dgst -sha256")

    out = os.path.join(work, "out.tif")
    t = interleave(f"sign a {args.mb} MB TIFF (thumbnail and fingerprint included)", [
        ("prov sign (native AOT)", [AOT, "sign", big, "--out", out, "--source", "scan", "--force"]),
        ("dotnet prov.dll sign", ["dotnet", JIT, "sign", big, "--out", out, "--source", "scan", "--force"]),
        ("openssl dgst -sha256 + cp", f"openssl dgst -sha256 '{big}' && cp '{big}' '{out}'"),
    ], args.rounds_big, env)
    ratio(t, "prov sign (native AOT)", "openssl dgst -sha256 + cp")
    ratio(t, "dotnet prov.dll sign", "openssl dgst -sha256 + cp")


if __name__ == "__main__":
    main()
