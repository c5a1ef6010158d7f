#!/usr/bin/env python3
"""Where a kernel's time goes, instruction by instruction, on a CPU Vulkan adapter (lavapipe or
SwiftShader), whose compilers write the kernels' machine code into anonymous memory that no
profiler can name.

usage: jit_profile.py [--delay S] [--out DIR] [--regions N] -- COMMAND [ARGS...]
  e.g. scripts/jit_profile.py --delay 2.5 -- target/release/webslm complete --model M.gguf \\
           --prompt-ids 1,2,3,... --max-tokens 1
       (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader)

It samples COMMAND with `perf record` (address randomisation off, so addresses stay put), and
after S seconds, while the kernels of interest run, dumps the process's memory with `gcore`
(JIT code included: lavapipe's is anonymous, SwiftShader's a memfd). Then it disassembles the
code region that took the most samples (or the N hottest: on SwiftShader the texel-fetch
routine is a region of its own, apart from the kernels that call it) and writes
DIR/annotated.txt (annotated1.txt, ... for the next; each instruction with its share of all
samples) and prints a summary: the share of each region, and within each annotated one the
time by instruction kind and where loads and stores of the stack (register spills) go.
Needs perf and gdb (Debian: apt-get install linux-perf gdb). A developer's tool: no test runs it.
"""
import argparse
import collections
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time


def fail(message):
    sys.exit(f"jit_profile: {message}")


def mappings(binary, core):
    """(start, end, name) of each memory range in the core file: its LOAD segments (anonymous
    memory included), named after the file mapped there where there is one."""
    segments = subprocess.run(["readelf", "-lW", core], capture_output=True, text=True).stdout
    info = subprocess.run(["gdb", "-batch", "-ex", "info proc mappings", binary, core], capture_output=True, text=True).stdout
    files = []
    for line in info.splitlines():
        p = line.split()
        if len(p) >= 5 and p[0].startswith("0x"):
            files.append((int(p[0], 16), int(p[1], 16), p[4]))
    out = []
    for line in segments.splitlines():
        p = line.split()
        if len(p) >= 6 and p[0] == "LOAD":
            start, size = int(p[2], 16), int(p[5], 16)
            if size == 0:
                continue
            name = next((f[2] for f in files if f[0] <= start < f[1]), "[anonymous]")
            out.append((start, start + size, name))
    return out


def sample_counts(perf_data):
    """Samples per instruction address."""
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "ip"], capture_output=True, text=True).stdout
    return collections.Counter(int(line.strip(), 16) for line in script.splitlines() if line.strip())


def disassemble(binary, core, start, end):
    """[(address, instruction text)] of start..end, read from the core."""
    n = (end - start) // 2  # more instructions than the region holds; gdb stops at its end
    text = subprocess.run(["gdb", "-batch", "-ex", f"x/{n}i {start:#x}", binary, core], capture_output=True, text=True).stdout
    out = []
    for line in text.splitlines():
        if "\t" not in line:
            continue
        head, ins = line.split("\t", 1)
        try:
            address = int(head.replace("=>", "").strip().split()[0].rstrip(":"), 16)
        except ValueError:
            continue
        if address >= end:
            break
        out.append((address, ins.strip()))
    return out


def kind(ins):
    """An instruction's mnemonic, with moves of the stack told apart (spills and reloads)."""
    op = ins.split()[0]
    if op.startswith(("mov", "vmov")) and "(%rsp)" in ins:
        return op + (" store to stack" if ins.rstrip().endswith("(%rsp)") else " load from stack")
    return op


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=2.0, help="seconds before the memory dump")
    parser.add_argument("--out", default=None, help="where annotated.txt goes (default: a temp dir)")
    parser.add_argument("--regions", type=int, default=1, help="how many of the hottest JIT regions to annotate (annotated.txt, annotated1.txt, ...)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        fail("no command to profile (after --)")
    for tool in ("perf", "gdb", "gcore", "setarch"):
        if not shutil.which(tool):
            fail(f"{tool} is missing (Debian: apt-get install linux-perf gdb)")
    binary = shutil.which(command[0]) or command[0]
    out = args.out or tempfile.mkdtemp(prefix="jit_profile.")
    os.makedirs(out, exist_ok=True)
    perf_data, core_prefix = os.path.join(out, "perf.data"), os.path.join(out, "core")
    for old in glob.glob(core_prefix + ".*"):
        os.remove(old)

    # perf runs the command with address randomisation off; the command is perf's child.
    perf = subprocess.Popen(["setarch", "-R", "perf", "record", "-F", "4000", "-o", perf_data, "--", *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(args.delay)
    children = subprocess.run(["pgrep", "-P", str(perf.pid)], capture_output=True, text=True).stdout.split()
    if not children:
        perf.wait()
        fail(f"the command had ended before {args.delay} s; give a shorter --delay")
    pid = children[0]
    with open(f"/proc/{pid}/coredump_filter", "w") as f:
        f.write("0x7f")  # shared file mappings too: SwiftShader's code is a memfd
    subprocess.run(["gcore", "-o", core_prefix, pid], capture_output=True)
    perf.wait()
    cores = glob.glob(core_prefix + ".*")
    if not cores:
        fail("gcore wrote no core file")
    core = cores[0]

    samples = sample_counts(perf_data)
    total = sum(samples.values())
    regions = collections.Counter()
    maps = mappings(binary, core)
    for address, n in samples.items():
        region = next((m for m in maps if m[0] <= address < m[1]), None)
        regions[region] += n
    print(f"{total} samples; by memory region:")
    for region, n in regions.most_common(6):
        name = "outside the dump (kernel, or unmapped by then)" if region is None else f"{region[0]:#x}-{region[1]:#x} {region[2]}"
        print(f"  {100 * n / total:5.1f}%  {name}")
    library = lambda r: r is not None and r[2].startswith("/") and not r[2].startswith("/memfd")
    jit = [r for r, _ in regions.most_common() if r is not None and not library(r)]
    if not jit:
        fail("no samples in JIT code: was the delay inside the kernels' run?")
    for rank, region in enumerate(jit[:args.regions]):
        annotate(binary, core, region, samples, total, 100 * regions[region] / total, os.path.join(out, f"annotated{rank or ''}.txt"))


def annotate(binary, core, region, samples, total, region_share, path):
    """Writes `region`'s disassembly with each instruction's share of the samples to `path` and
    prints its time by instruction kind."""
    start, end, _ = region
    listing = disassemble(binary, core, start, end)
    by_kind, count = collections.Counter(), collections.Counter()
    with open(path, "w") as f:
        for address, ins in listing:
            share = 100 * samples.get(address, 0) / total
            f.write(f"{share:6.3f}  {address:#x}  {ins}\n")
            by_kind[kind(ins)] += share
            count[kind(ins)] += 1
    print(f"JIT region {start:#x}-{end:#x}: {region_share:.1f}% of samples, {len(listing)} instructions")
    print("  % samples  instructions  kind (a sample lands on the instruction after a slow one)")
    for k, share in by_kind.most_common(20):
        print(f"  {share:8.2f}  {count[k]:12d}  {k}")
    print(f"annotated listing: {path}")


if __name__ == "__main__":
    main()
