"""Stop cleanly on SIGINT/SIGTERM, even inside a long engine query.

Python runs a signal handler only between bytecodes, so a SIGTERM that
arrives while DuckDB executes a query would wait for the query (minutes). In
:func:`stop_on_signals` a watcher thread wakes on the signal (through
:func:`signal.set_wakeup_fd`) and calls the interrupt functions registered
for the run (DuckDB's ``connection.interrupt``); the main thread then raises
:class:`Terminated`, so every ``finally`` runs: the staging folder, the work
folder and the engine's spill folder are removed, and the previous result set
stays as it was.

The handler raises once, at the first bytecode after the interrupted query
returns, which may be inside a ``finally``: clean-up steps therefore run
through :func:`cleanup`, which repeats a step the signal cut short.

>>> with stop_on_signals() as on_stop:
...     on_stop(lambda: None)
>>> cleanup(lambda: None)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

__all__ = ["Terminated", "stop_on_signals", "cleanup"]

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT, getattr(signal, "SIGHUP", None)) if s)


class Terminated(KeyboardInterrupt):
    """The run was stopped by a signal (``signum``); raised in the main thread."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


@contextlib.contextmanager
def stop_on_signals() -> Iterator[Callable[[Callable[[], None]], None]]:
    """Within the block, SIGINT/SIGTERM/SIGHUP raise :class:`Terminated` (once) and
    call the interrupt functions registered with the yielded function.

    Outside the main thread, or when another wakeup fd is in use (an asyncio
    loop), it only registers nothing and changes nothing.
    """
    interrupts: list[Callable[[], None]] = []
    if threading.current_thread() is not threading.main_thread():
        yield interrupts.append
        return
    fired: list[int] = []
    seen: list[int] = []  # signals the watcher woke on

    def handler(signum: int, frame: object) -> None:
        if not fired:
            fired.append(signum)
            raise Terminated(signum)

    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        previous_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    except ValueError:
        previous_fd = None
    watcher = None
    if previous_fd == -1:
        def watch() -> None:
            while True:
                try:
                    data = os.read(r, 64)
                except OSError:
                    return
                if not data:
                    return
                got = [b for b in data if b in _SIGNALS]
                if got:
                    seen.extend(got)
                    for fn in list(interrupts):
                        with contextlib.suppress(Exception):
                            fn()

        watcher = threading.Thread(target=watch, name="inconcert-signals", daemon=True)
        watcher.start()
    elif previous_fd is not None:
        signal.set_wakeup_fd(previous_fd)  # someone else's: leave it
    old = {s: signal.signal(s, handler) for s in _SIGNALS}
    try:
        yield interrupts.append
    except BaseException as e:
        # the interrupted query raised its own error (the handler had no turn, or the
        # engine swallowed its Terminated): it is still our stop
        if (fired or seen) and not isinstance(e, Terminated):
            signum = (fired or seen)[0]
            fired.append(signum)
            raise Terminated(signum) from e
        raise
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if previous_fd == -1:
            signal.set_wakeup_fd(-1)
        os.close(w)  # the watcher's read returns b"": it ends
        if watcher is not None:
            watcher.join(timeout=1)
        os.close(r)


def cleanup(step: Callable[[], object]) -> None:
    """Run a clean-up ``step``; if :class:`Terminated` cuts it short, run it again
    (the handler raises only once), then let the signal go on."""
    try:
        step()
    except Terminated:
        step()
        raise
