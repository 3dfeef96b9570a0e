#!/usr/bin/env python3
"""The configure on a machine that lacks a test tool: no test may drop out
without a word.  Configures the source tree in temporary build directories
with a PATH that hides chosen programs (a directory of links to every other
program on PATH) and checks, printing TAP:

  - outside CI, each test that needs a hidden tool is still registered, as a
    skip that names the tool, and `meson test` counts it as skipped;
  - with CI=true the configure fails and names each missing tool and the
    tests it stops (valgrind: the host rows of figures/readme);
    -Dmissing_test_tools=skip overrides that;
  - with CI=true a configure without the cross file fails too.

usage: test_missing_tools.py SOURCE_DIR CROSS_FILE
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

NO_UBOOT = "/nonexistent/u-boot.bin"


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import Tap  # noqa: E402


def path_without(hidden, where):
    """A directory of links to every program on PATH but `hidden`."""
    os.makedirs(where)
    os.symlink(sys.executable, os.path.join(where, "python3"))
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            full = os.path.join(d, name)
            link = os.path.join(where, name)
            if name in hidden or os.path.lexists(link):
                continue
            if os.path.isfile(full) and os.access(full, os.X_OK):
                os.symlink(full, link)
    return where


def run(cmd, path, ci):
    env = dict(os.environ, PATH=path)
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def configure(a, name, hidden, ci, extra=(), cross=True):
    """meson setup in a fresh directory; returns (build dir, status, output)."""
    build = os.path.join(a.tmp, name)
    path = path_without(hidden, os.path.join(a.tmp, name + "-bin"))
    cmd = ["meson", "setup", build, a.source]
    if cross:
        cmd += ["--cross-file", a.cross]
    status, out = run(cmd + list(extra), path, ci)
    return build, path, status, out


def introspect_tests(build, path):
    """name -> the command of every test the configure registered."""
    status, out = run(["meson", "introspect", "--tests", build], path, False)
    return {t["name"]: t["cmd"] for t in json.loads(out)} if status == 0 else {}


def is_skip(cmd):
    return any(os.path.basename(c) == "skipped.py" for c in cmd)


def meson_test_results(build, path, names):
    """name -> (result, stdout) of `meson test` on `names` (no build)."""
    status, out = run(["meson", "test", "--no-rebuild", "-C", build] + names, path, False)
    results = {}
    log = os.path.join(build, "meson-logs", "testlog.json")
    if os.path.exists(log):
        for line in open(log):
            t = json.loads(line)
            results[t["name"].split(" / ")[-1]] = (t["result"], t["stdout"])
    return results, out


def outside_ci(a, tap):
    # clang hidden and no U-Boot image: the fuzzer and the booti tests.
    build, path, status, out = configure(a, "no-clang", {"clang"}, False,
                                         ["-Duboot_smode=" + NO_UBOOT])
    tap.check(status == 0, "outside CI, without clang and U-Boot: the configure succeeds", out)
    tap.check(re.search(r"WARNING: these tests are registered as skipped:\n"
                        r"(  .*\n)*  clang not found .*: fuzz/fdt$", out, re.M),
              "the configure warns: clang not found, fuzz/fdt", out)
    tests = introspect_tests(build, path)
    want = {
        "fuzz/fdt": r"^1\.\.0 # SKIP clang not found \(Debian: clang libclang-rt-14-dev\)$",
        "qemu/uboot-booti": r"^1\.\.0 # SKIP U-Boot S-mode image %s not found " % NO_UBOOT,
        "qemu/uboot-booti-moved": r"^1\.\.0 # SKIP U-Boot S-mode image %s not found " % NO_UBOOT,
    }
    for name in want:
        tap.check(is_skip(tests.get(name, [])), "%s is registered, as a skip" % name,
                  json.dumps(tests.get(name)))
    results, out = meson_test_results(build, path, list(want))
    for name, rx in want.items():
        result, stdout = results.get(name, (None, ""))
        tap.check(result == "SKIP" and re.search(rx, stdout, re.M),
                  "meson test counts %s as skipped, saying why" % name, out + stdout)
    if shutil.which("qemu-system-riscv64"):
        tap.check(not is_skip(tests.get("qemu/virt-sv48", ["skipped.py"])),
                  "qemu/virt-sv48 (QEMU present) is a real test", json.dumps(tests.get("qemu/virt-sv48")))
    else:
        tap.skip("qemu/virt-sv48 is a real test", "qemu-system-riscv64 not found")

    # QEMU hidden: every boot test is still there, as a skip.
    build, path, status, out = configure(a, "no-qemu", {"qemu-system-riscv64"}, False)
    tap.check(status == 0, "outside CI, without QEMU: the configure succeeds", out)
    tests = introspect_tests(build, path)
    boots = [n for n in tests if n.startswith("qemu/") and n != "qemu/harness-reports-hang-and-failed-selftest"]
    skipped = [n for n in boots if is_skip(tests[n])]
    tap.check(len(boots) >= 30 and skipped == boots,
              "each of the %d QEMU tests is registered, as a skip" % len(boots),
              "not skips: %s" % sorted(set(boots) - set(skipped)))
    for name in ("figures/call-shape", "figures/readme", "figures/programs"):
        tap.check(is_skip(tests.get(name, [])), "%s (it boots QEMU) is registered, as a skip" % name,
                  json.dumps(tests.get(name)))

    # No cross file: the tests of what only a cross build makes.
    build, path, status, out = configure(a, "native", set(), False, cross=False)
    tap.check(status == 0, "outside CI, without the cross file: the configure succeeds", out)
    tests = introspect_tests(build, path)
    for name in ("qemu/all", "lib/elf", "figures/readme"):
        tap.check(is_skip(tests.get(name, [])), "%s is registered, as a skip" % name,
                  json.dumps(tests.get(name)))


def in_ci(a, tap):
    build, path, status, out = configure(a, "ci-valgrind", {"valgrind"}, True)
    tap.check(status != 0 and re.search(r"^  valgrind not found .*: figures/readme \(its host:\* rows\)$",
                                        out, re.M),
              "with CI=true, without valgrind: the configure fails naming it", out)
    hidden = {"clang", "qemu-system-riscv64"}
    build, path, status, out = configure(a, "ci", hidden, True)
    tap.check(status != 0, "with CI=true, without clang and QEMU: the configure fails", out)
    tap.check(re.search(r"ERROR: Problem encountered: tests that cannot run on this machine", out),
              "the error says tests cannot run", out)
    tap.check(re.search(r"^  clang not found .*: fuzz/fdt$", out, re.M),
              "the error names clang and fuzz/fdt", out)
    tap.check(re.search(r"^  qemu-system-riscv64 not found .*: qemu/\*, figures/call-shape, figures/readme, figures/programs, figures/trace-paths$",
                        out, re.M),
              "the error names qemu-system-riscv64 and the QEMU tests", out)
    build, path, status, out = configure(a, "ci-skip", hidden, True, ["-Dmissing_test_tools=skip"])
    tap.check(status == 0, "with CI=true, -Dmissing_test_tools=skip configures with skips", out)
    build, path, status, out = configure(a, "ci-native", set(), True, cross=False)
    tap.check(status != 0 and re.search(r"^  not a cross build .*qemu/all", out, re.M),
              "with CI=true, a configure without the cross file fails: not a cross build", out)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip())

    class Args:
        pass
    a = Args()
    a.source, a.cross = os.path.abspath(argv[0]), os.path.abspath(argv[1])
    a.tmp = tempfile.mkdtemp(prefix="tessera-missing-tools-")
    tap = Tap("test_missing_tools.py")
    try:
        outside_ci(a, tap)
        in_ci(a, tap)
    finally:
        shutil.rmtree(a.tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
