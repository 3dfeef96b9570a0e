#!/usr/bin/env python3
"""The kernel's calling_code figure against the disassembly of the kernel.

kernel/bench.c measures every body, the empty one included, as a call
through a pointer: two counter reads around one jalr.  So calling_code,
measured(bench_calling_code) - measured(bench_empty), must be the
instructions of bench_calling_code, nothing_alloc and nothing_free (each
run once, straight through) less those of bench_empty: a figure computed
here from objdump, independently of the kernel's arithmetic.  This fails
when a body is inlined or cloned (GCC's .constprop), when measure() calls
bodies another way, or when the figure is off by even one instruction.
It also checks that each "X_with_calling_code" is X plus calling_code.

usage: call_shape.py --objdump OBJDUMP --elf tessera.elf --qemu QEMU   (prints TAP)
"""
import argparse
import re
import subprocess
import sys

BODIES = ["bench_empty", "bench_calling_code", "nothing_alloc", "nothing_free"]
BRANCHES = re.compile(r"^(c\.)?(beq|bne|blt|bge|bltu|bgeu|beqz|bnez|blez|bgez|bltz|bgtz|"
                      r"bgt|ble|bgtu|bleu)$")
FIGURE = re.compile(r"^bench (\w+): (\d+) instructions$")

checks = []


def check(ok, what, why=""):
    checks.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(checks), what))
    if not ok and why:
        print("# " + why)
        print("call_shape: " + what + ": " + why, file=sys.stderr)


def functions(objdump, elf):
    """{name: [mnemonic operands...]} for every function in the ELF."""
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(1), [])
        elif cur is not None and re.match(r"^\s*[0-9a-f]+:\t", line):
            cur.append(line.split("\t", 1)[1].strip())
    return funcs


def kernel_figures(qemu, elf):
    run = subprocess.run([qemu, "-M", "virt", "-m", "128M", "-smp", "1", "-bios", "default",
                          "-display", "none", "-serial", "stdio", "-monitor", "none",
                          "-nic", "none", "-no-reboot", "-icount", "shift=0,sleep=off",
                          "-kernel", elf, "-append", "bench icount"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout=120,
                         universal_newlines=True, errors="replace")
    return dict((m.group(1), int(m.group(2))) for m in
                (FIGURE.match(l.strip()) for l in run.stdout.splitlines()) if m)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objdump", required=True)
    p.add_argument("--elf", required=True)
    p.add_argument("--qemu", required=True)
    a = p.parse_args(argv)
    funcs = functions(a.objdump, a.elf)
    sizes = {}
    for name in BODIES:
        body = funcs.get(name)
        clones = [f for f in funcs if f.startswith(name + ".")]
        check(body is not None, "%s is a function of its own" % name,
              "not in the disassembly (%s): inlined or cloned, so not measured as the other "
              "bodies are" % (", ".join(clones) or "no symbol"))
        if body is None:
            continue
        branches = [i for i in body if BRANCHES.match(i.split()[0])]
        check(not branches, "%s runs straight through" % name,
              "it branches (%s): its instructions are not each run once" % "; ".join(branches))
        sizes[name] = len(body)
    measure = funcs.get("measure", [])
    mnemonics = [i.split()[0] for i in measure]
    calls_between = []
    for k, mn in enumerate(mnemonics):
        if mn == "rdinstret":
            rest = mnemonics[k + 1:]
            if "rdinstret" in rest:
                calls_between = [m for m in rest[:rest.index("rdinstret")] if m in ("jalr", "jal")]
            break
    check(calls_between == ["jalr"], "measure calls the body by one jalr between the counter reads",
          "between the two rdinstret: %s" % (calls_between or "no call"))
    if len(sizes) != len(BODIES):
        return 1
    expected = (sizes["bench_calling_code"] + sizes["nothing_alloc"] + sizes["nothing_free"]
                - sizes["bench_empty"])
    figures = kernel_figures(a.qemu, a.elf)
    got = figures.get("calling_code")
    check(got == expected, "calling_code is what the disassembly says (%d instructions)" % expected,
          "bench calling_code printed %s; bench_calling_code %d + nothing_alloc %d + nothing_free "
          "%d - bench_empty %d = %d" % (got, sizes["bench_calling_code"], sizes["nothing_alloc"],
                                        sizes["nothing_free"], sizes["bench_empty"], expected))
    pairs = [n[:-len("_with_calling_code")] for n in figures if n.endswith("_with_calling_code")]
    check(len(pairs) >= 5, "every allocator figure is printed with its calling code too",
          "only %s" % pairs)
    for n in pairs:
        check(n in figures and figures[n] + expected == figures[n + "_with_calling_code"],
              "%s_with_calling_code is %s plus calling_code" % (n, n),
              "%s, %s" % (figures.get(n), figures[n + "_with_calling_code"]))
    print("1..%d" % len(checks))
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
