#!/usr/bin/env python3
"""
figures/trace-paths: which way a system call goes through the kernel, from
QEMU's log of every instruction (tools/trace-path), in `bench`:

  - SYS_THREAD_SELF takes the short frame: syscall_entry, kernel_syscall,
    the call, syscall_return; neither the whole frame (syscall_whole,
    syscall_general) nor the general path's exit (user_return);
  - with ipc_fast=off, the same call completes the frame and takes the
    general path: syscall_general, kernel_user_trap, user_return;
  - SYS_IPC_CALL to `echo` saves the whole frame and takes the IPC fast
    path: syscall_whole, kernel_ipc_syscall, ipc_fast_path, user_return,
    never the general IPC path (sys_ipc_call, sched_block).

Every name asserted absent is checked to be a kernel symbol first, so that
a renamed function fails the test rather than pass it.  Each trip is the
tenth (the first ones warm up); three boots, about 15 s each.
"""
import argparse
import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from tap import Tap  # noqa: E402


def load_trace_path():
    path = os.path.join(ROOT, "tools", "trace-path")
    loader = importlib.machinery.SourceFileLoader("trace_path", path)
    spec = importlib.util.spec_from_loader("trace_path", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


SYS_IPC_CALL = 17
SYS_THREAD_SELF = 19

CASES = [
    ("SYS_THREAD_SELF takes the short frame", SYS_THREAD_SELF, "bench",
     ["syscall_entry", "kernel_syscall", "sys_thread_self", "syscall_return"],
     ["syscall_whole", "syscall_general", "kernel_user_trap", "user_return"]),
    ("with ipc_fast=off, SYS_THREAD_SELF completes the frame for the general path",
     SYS_THREAD_SELF, "ipc_fast=off bench",
     ["syscall_entry", "kernel_syscall", "syscall_general", "kernel_user_trap",
      "sys_thread_self", "user_return"],
     ["syscall_return", "syscall_whole"]),
    ("SYS_IPC_CALL saves the whole frame and takes the IPC fast path", SYS_IPC_CALL, "bench",
     ["syscall_whole", "kernel_ipc_syscall", "ipc_fast_path", "user_return"],
     ["syscall_return", "kernel_user_trap", "sys_ipc_call", "sched_block"]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--program", required=True, help="build/user/bench.elf")
    a = ap.parse_args()
    tp = load_trace_path()
    addrs, names = tp.kernel_symbols(a.kernel)
    symbols = set(names)
    t = Tap("figures/trace-paths")
    for what, number, append, present, absent in CASES:
        unknown = [n for n in present + absent if n not in symbols]
        if unknown:
            t.check(False, what, f"not kernel symbols: {', '.join(unknown)}")
            continue
        start = tp.syscall_site(a.program, number)
        trip = tp.trace(a.kernel, append, start, start + 4, 10)
        if trip is None:
            t.check(False, what, f"no tenth trip from {start:#x} before QEMU ended")
            continue
        path = " ".join(f"{n}:{c}" for n, c in tp.by_function(trip, addrs, names))
        seen = {n for n, _ in tp.by_function(trip, addrs, names)}
        missing = [n for n in present if n not in seen]
        extra = [n for n in absent if n in seen]
        t.check(not missing and not extra, what,
                f"missing {missing}, present {extra}; the trip ({len(trip)}): {path}")
        print(f"# {len(trip)} instructions: {path}")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
