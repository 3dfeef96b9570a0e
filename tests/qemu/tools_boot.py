"""Running tools/boot from the Python tests (test_boot_run.py,
test_boot_stdin.py, test_mmsh.py), with TESSERA_BOOT_NO_SETUP set: the
build is done, and meson's depends made what tools/boot needs.

    rc, out, err = boot(argv, cwd)              stdin a file, pipe or DEVNULL
    rc, text = on_terminal(argv, cwd, respond)  stdin a pty, typed into

Output is decoded as latin-1 (every byte kept as one character) with the
CRs of the serial console dropped.
"""
import os
import pty
import select
import subprocess
import time

TIMEOUT = 300


def _text(data):
    return data.decode("latin-1").replace("\r", "")


def boot(argv, cwd, stdin=subprocess.DEVNULL, timeout=TIMEOUT):
    """Run argv (tools/boot and its arguments) in cwd; (exit status, stdout
    lines, stderr lines)."""
    env = dict(os.environ, TESSERA_BOOT_NO_SETUP="1")
    p = subprocess.run(argv, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, _text(p.stdout).splitlines(), _text(p.stderr).splitlines()


def on_terminal(argv, cwd, respond, timeout=TIMEOUT):
    """Run argv on a pty; respond(console bytes so far) returns bytes to type
    now, or None.  Returns (exit status, the console's text) once it ends
    (or after timeout seconds)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ["TESSERA_BOOT_NO_SETUP"] = "1"
        os.execv(argv[0], argv)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = respond(out)
        if keys:
            os.write(fd, keys)
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break                  # the other side closed: tools/boot ended
        if not data:
            break
        out += data
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), _text(out)
