"""Keras-style progress output for ``fit``, ``evaluate`` and ``predict``.

On a terminal or in a notebook the bar is redrawn in place (at most ~10 times a second);
elsewhere (a log file, CI) only the final line of each epoch is printed, so logs don't flood.
``verbose=2`` always prints one line per epoch; ``verbose=0`` prints nothing.
"""
import sys
import time


def is_interactive(stream=None):
    """True on a terminal or inside a Jupyter kernel."""
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) or "ipykernel" in sys.modules


def format_time(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}h {int(seconds % 3600 // 60)}m"
    if seconds >= 60:
        return f"{int(seconds // 60)}m {int(seconds % 60)}s"
    return f"{int(seconds)}s"


def format_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_logs(logs):
    return "".join(f" - {k}: {v:.4f}" for k, v in logs.items())


class Progbar:
    """Progress for ``target`` steps.

    Args:
        target: total number of steps, or `None` when unknown (a generator's).
        verbose: 1 = bar (one final line when not interactive), 2 = one line at the end.
        width: bar width in characters. Defaults to `20`.
    """

    def __init__(self, target, verbose=1, width=20, stream=None, interval=0.1):
        self.target, self.verbose, self.width = target, verbose, width
        self.stream = stream or sys.stdout
        self.interactive = verbose == 1 and is_interactive(self.stream)
        self.interval = interval
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.seen = 0  # the last step reported

    def update(self, step, logs=None, finalize=False):
        """Report that ``step`` of ``target`` steps are done."""
        self.seen = step
        if self.verbose == 0:
            return
        now = time.perf_counter()
        if not finalize and (not self.interactive or now - self.last_draw < self.interval):
            return
        self.last_draw = now
        elapsed = now - self.start
        logs = logs or {}
        if self.target is None:  # no bar and no time left to show
            line = (f"{step}/Unknown - {format_time(elapsed)} "
                    f"{format_per_step(elapsed / max(step, 1))}{format_logs(logs)}")
        elif self.verbose == 2:
            line = (f"{step}/{self.target} - {format_time(elapsed)} - "
                    f"{format_per_step(elapsed / max(step, 1))}{format_logs(logs)}")
        else:
            done = int(self.width * step / max(self.target, 1))
            bar = "\u2501" * done + ("\x1b[2m" + "\u2501" * (self.width - done) + "\x1b[0m"
                                     if self.interactive and done < self.width
                                     else " " * (self.width - done))
            if finalize or step >= self.target:
                timing = f"{format_time(elapsed)} {format_per_step(elapsed / max(step, 1))}"
            else:
                timing = f"{format_time(elapsed / max(step, 1) * (self.target - step))}"
            line = f"{step}/{self.target} {bar} {timing}{format_logs(logs)}"
        if self.interactive:
            self.stream.write("\r" + line + "\x1b[K")
            if finalize:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def resolve_verbose(verbose):
    """Keras' ``verbose="auto"`` is 1 (bar); when output is not a terminal or notebook a
    bar would flood logs, so numpynn then prints one line per epoch instead."""
    if verbose == "auto":
        return 1 if is_interactive() else 2
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}.")
    return verbose
