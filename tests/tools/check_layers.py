#!/usr/bin/env python3
"""The layering of the source tree, checked (README.md, "Layout").

    check_layers.py SOURCE_ROOT

Prints TAP, one line per rule; each violation is named (file:line and why)
on stderr and as a TAP comment, so that a failure says what broke:

  1. user/ includes or builds nothing of kernel/ or mm/ (it has the ABI in
     include/tessera/ and the shared code in lib/);
  2. tools/ reaches nothing of kernel/: its C includes are mm/, lib/, the
     ABI and its own headers (a bare name: tools/*.h, or the page template
     it generates), and its meson.build builds no kernel/ source;
  3. kernel/ names arch/riscv in exactly one place (kernel/meson.build puts
     the folder of kernel_arch.h on the include path) and indexes no
     registers itself (REG_A);
  4. every .c, .h and .S file is under MAX_LINES lines.

Only files git tracks count (untracked scratch files do not); without git,
every file under the root.
"""
import os
import re
import subprocess
import sys

MAX_LINES = 600
SOURCE_EXT = ('.c', '.h', '.S')
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
# A kernel/ or mm/ path in a meson.build: '../kernel/x.c', '../../mm/y.c',
# or a path joined from the project root: root / 'kernel/...'.
MESON_PATH = re.compile(r"""['"](?:\.\./)+(kernel|mm)/|/\s*['"](kernel|mm)(?:/|['"])""")
# Meson variables that hold kernel/ or mm/ sources.
KERNEL_SOURCES_VAR = re.compile(r'\bkernel_\w*sources\b')
MM_SOURCES_VAR = re.compile(r'\bmm_\w*sources\b')
TOOLS_INCLUDE_OK = ('mm/', 'lib/', 'tessera/')


def tracked_files(root):
    """Paths relative to root, of the files git tracks (or all files)."""
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files', '-z'], check=True,
                             capture_output=True).stdout
        return sorted(p for p in out.decode().split('\0') if p)
    except (OSError, subprocess.CalledProcessError):
        found = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in ('.git', 'build')]
            found += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return sorted(found)


def lines_of(root, path):
    with open(os.path.join(root, path), encoding='utf-8', errors='replace') as f:
        return f.read().split('\n')


def code_lines(root, path):
    """(number, line) of a file, meson.build comments dropped."""
    for n, line in enumerate(lines_of(root, path), 1):
        if path.endswith('meson.build'):
            line = line.split('#', 1)[0]
        yield n, line


def includes(root, path):
    for n, line in code_lines(root, path):
        m = INCLUDE.match(line)
        if m:
            yield n, m.group(1)


def check_user(root, files):
    bad = []
    for p in files:
        if not p.startswith('user/'):
            continue
        if p.endswith(SOURCE_EXT):
            for n, inc in includes(root, p):
                target = os.path.normpath(os.path.join(os.path.dirname(p), inc))
                if re.match(r'(\.\./)*(kernel|mm)/', inc) or \
                   re.match(r'(kernel|mm)/', target):
                    bad.append(f'{p}:{n}: includes "{inc}" (user/ takes only lib/ and the ABI)')
        elif os.path.basename(p) == 'meson.build':
            for n, line in code_lines(root, p):
                if MESON_PATH.search(line) or KERNEL_SOURCES_VAR.search(line) or \
                   MM_SOURCES_VAR.search(line):
                    bad.append(f'{p}:{n}: builds from kernel/ or mm/: {line.strip()}')
    return bad


def check_tools(root, files):
    bad = []
    for p in files:
        if not p.startswith('tools/'):
            continue
        if p.endswith(SOURCE_EXT):
            for n, inc in includes(root, p):
                local = '"' in lines_of(root, p)[n - 1]
                own = local and '/' not in inc      # tools' own header, or one it generates
                if re.match(r'(\.\./)*kernel/', inc) or \
                   (local and not own and not inc.startswith(TOOLS_INCLUDE_OK)):
                    bad.append(f'{p}:{n}: includes "{inc}" (tools/ reaches only mm/, '
                               'lib/ and the ABI)')
        elif os.path.basename(p) == 'meson.build':
            for n, line in code_lines(root, p):
                m = MESON_PATH.search(line)
                if (m and 'kernel' in (m.group(1), m.group(2))) or \
                   KERNEL_SOURCES_VAR.search(line):
                    bad.append(f'{p}:{n}: builds from kernel/: {line.strip()}')
    return bad


def check_kernel(root, files):
    bad, places = [], []
    for p in files:
        if not p.startswith('kernel/'):
            continue
        for n, line in enumerate(lines_of(root, p), 1):
            if 'arch/riscv' in line:
                places.append(f'{p}:{n}: {line.strip()}')
            if p.endswith(SOURCE_EXT) and 'REG_A' in line:
                bad.append(f'{p}:{n}: indexes registers (use kernel_arch.h): {line.strip()}')
    if len(places) != 1:
        bad.append(f'kernel/ names arch/riscv in {len(places)} places, not 1:')
        bad += ['  ' + x for x in places]
    return bad


def check_sizes(root, files):
    bad = []
    for p in files:
        if p.endswith(SOURCE_EXT):
            n = len(lines_of(root, p)) - 1      # the text after the last newline is no line
            if n >= MAX_LINES:
                bad.append(f'{p}: {n} lines (at most {MAX_LINES - 1})')
    return bad


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.stderr.write('usage: check_layers.py SOURCE_ROOT\n')
        return 2
    root = sys.argv[1]
    files = tracked_files(root)
    rules = [
        ('user/ reaches nothing of kernel/ or mm/', check_user),
        ('tools/ reaches nothing of kernel/', check_tools),
        ('kernel/ names arch/riscv in one place and indexes no registers', check_kernel),
        (f'every .c/.h/.S file is under {MAX_LINES} lines', check_sizes),
    ]
    print(f'1..{len(rules)}')
    failed = 0
    for i, (name, rule) in enumerate(rules, 1):
        bad = rule(root, files)
        print(('not ok' if bad else 'ok'), i, '-', name)
        for b in bad:
            print('#', b)
            sys.stderr.write(f'check_layers: {name}: {b}\n')
        failed += bool(bad)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
