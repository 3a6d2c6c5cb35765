"""``clopos`` on a pseudo-terminal: prompts read and answered as a person at a keyboard would."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

from .conftest import CLOPOS, user_env

#: Run by the interpreter before ``exec``-ing clopos: a new session whose controlling terminal is stdin
#: (the pty), as a login shell gives; ``getpass`` opens /dev/tty and fails without one.
CONTROLLING_TTY = (
    "import fcntl, os, sys, termios; os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Terminal:
    """One ``clopos`` process whose stdin, stdout and stderr are a 50x200 pseudo-terminal."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", CONTROLLING_TTY, *CLOPOS, *args],
            env={**user_env(env), "TERM": "xterm-256color"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        os.close(slave)
        self.seen = ""

    def _read(self, deadline: float) -> bool:
        """Append what the terminal shows; False at the end (every copy of the pty's other side closed)."""
        ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"nothing more on the terminal in time; so far:\n{self.seen}")
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the process has closed the terminal
            return False
        self.seen += ANSI.sub("", data.decode("utf-8", "replace"))
        return bool(data)

    def expect(self, text: str, timeout: float = 60) -> None:
        """Read until ``text`` is on the screen."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            if not self._read(deadline):
                raise AssertionError(f"{text!r} never shown; the terminal showed:\n{self.seen}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """Read to the end; the exit code and everything shown (colours removed)."""
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            pass
        os.close(self.master)
        return self.process.wait(timeout=timeout), self.seen
