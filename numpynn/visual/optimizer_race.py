"""The optimizer race: numpynn's real optimizers minimising 2-D test functions.

Each racer is an optimizer from ``numpynn.optimizers`` driven through the same flat-buffer API
a model uses (``build(buffer)`` then ``apply(params, grads)``), on a 2-vector (x, y). The paths
show what the formulas mean: plain gradient descent stops in the first minimum it meets,
momentum carries speed that can roll it over a ridge into a deeper minimum, and adaptive
methods (RMSprop, Adam) take steps of about ``learning_rate`` whatever the gradient's size.

Example::

    >>> from numpynn.visual import race
    >>> result = race("two_minima")
    >>> print(result.describe())          # surface, start, steps, seed, every optimizer's config
    >>> result.nearest_minimum("SGD")     # 'local'
"""
from dataclasses import dataclass, field

import numpy as np

from numpynn import optimizers
from numpynn.optimizers import schedules
from numpynn.visual._figure import finish, make_folder, pyplot


@dataclass
class Surface:
    """A 2-D test function with its gradient, a start point, its minima and race settings.

    ``f(x, y)`` works elementwise on arrays (for contours); ``grad(p)`` returns df/d(x, y)
    at the 2-vector ``p``. ``lr`` is the learning rate given to the SGD family,
    ``adaptive_lr`` the one given to RMSprop/Adam-like optimizers (their step size).
    """
    name: str
    formula: str
    f: callable
    grad: callable
    start: tuple
    minima: dict
    xlim: tuple
    ylim: tuple
    lr: float
    adaptive_lr: float
    steps: int


def _bowl_f(x, y):
    return x ** 2 + 5 * y ** 2


def _bowl_grad(p):
    return np.array([2 * p[0], 10 * p[1]])


def _rosenbrock_f(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3


def _beale_f(x, y):
    a, b, c = _beale_terms(x, y)
    return a ** 2 + b ** 2 + c ** 2


def _beale_grad(p):
    x, y = p
    a, b, c = _beale_terms(x, y)
    return np.array([2 * (a * (y - 1) + b * (y ** 2 - 1) + c * (y ** 3 - 1)),
                     2 * x * (a + 2 * b * y + 3 * c * y ** 2)])


def _two_minima_f(x, y):
    return (x ** 2 - 1) ** 2 + 0.3 * x + 0.5 * y ** 2


def _two_minima_grad(p):
    x, y = p
    return np.array([4 * x * (x * x - 1) + 0.3, y])


SURFACES = {
    "bowl": Surface("bowl", "x² + 5y²", _bowl_f, _bowl_grad, (-4.0, 2.5),
                    {"global": (0.0, 0.0)}, (-4.5, 4.5), (-3.0, 3.0),
                    lr=0.05, adaptive_lr=0.1, steps=100),
    "rosenbrock": Surface("rosenbrock", "(1 - x)² + 100 (y - x²)²", _rosenbrock_f,
                          _rosenbrock_grad, (-1.5, 2.0), {"global": (1.0, 1.0)},
                          (-2.0, 2.0), (-1.0, 3.0), lr=1e-3, adaptive_lr=0.02, steps=1500),
    "beale": Surface("beale", "(1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²",
                     _beale_f, _beale_grad, (1.0, 1.5), {"global": (3.0, 0.5)},
                     (-0.5, 4.0), (-1.0, 2.0), lr=5e-3, adaptive_lr=0.05, steps=1000),
    # a tilted double well: local minimum near x = 0.96, global near x = -1.04, ridge at x = 0.08
    "two_minima": Surface("two_minima", "(x² - 1)² + 0.3x + 0.5y²", _two_minima_f,
                          _two_minima_grad, (2.0, 1.5),
                          {"global": (-1.0356, 0.0), "local": (0.9601, 0.0)},
                          (-2.0, 2.3), (-2.0, 2.0), lr=0.01, adaptive_lr=0.05, steps=300),
}

#: Optimizers from other modules of ``numpynn.optimizers`` joined to the race when they exist.
ADAPTIVE_EXTRAS = ("Adagrad", "Adadelta", "Adamax", "Nadam", "AdamW", "Lion")
#: Their arguments, given the surface's adaptive learning rate (default: ``learning_rate=lr``).
#: Adagrad's steps shrink like 1/sqrt(t), and Adadelta's start near sqrt(epsilon) whatever
#: the learning rate, so both need more to finish a race. Lion's steps are lr in every
#: coordinate however close the minimum, so it circles the minimum unless lr decays.
EXTRA_ARGUMENTS = {
    "Adagrad": lambda lr: {"learning_rate": 10 * lr},
    "Adadelta": lambda lr: {"learning_rate": 1.0, "epsilon": 1e-3},
    "Adamax": lambda lr: {"learning_rate": 2 * lr},
    "Lion": lambda lr: {"learning_rate": schedules.CosineDecay(3 * lr, 100, alpha=0.02)},
}


def get_surface(surface):
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"Unknown surface {surface!r}; choose from {', '.join(SURFACES)}.")
    return SURFACES[surface]


def label_of(optimizer):
    """A legend label: the class name, with the momentum for SGD."""
    name = type(optimizer).__name__
    if name == "SGD" and getattr(optimizer, "momentum", 0):
        kind = "Nesterov" if optimizer.nesterov else "momentum"
        return f"SGD {kind} {optimizer.momentum:g}"
    return name


def default_optimizers(surface, noise=0.0):
    """``[(label, optimizer, gradient_noise)]``: SGD, SGD with momentum 0.9, SGD with
    Nesterov momentum 0.9, RMSprop, Adam, and any of ``ADAPTIVE_EXTRAS`` that
    ``numpynn.optimizers`` provides. With ``noise > 0`` a second SGD gets Gaussian gradient
    noise of that standard deviation, like the noise of mini-batch gradients."""
    surface = get_surface(surface)
    racers = [optimizers.SGD(surface.lr), optimizers.SGD(surface.lr, momentum=0.9),
              optimizers.SGD(surface.lr, momentum=0.9, nesterov=True),
              optimizers.RMSprop(surface.adaptive_lr), optimizers.Adam(surface.adaptive_lr)]
    for name in ADAPTIVE_EXTRAS:
        cls = getattr(optimizers, name, None)
        if cls is not None:
            arguments = EXTRA_ARGUMENTS.get(name, lambda lr: {"learning_rate": lr})
            racers.append(cls(**arguments(surface.adaptive_lr)))
    lineup = [(label_of(opt), opt, 0.0) for opt in racers]
    if noise:
        lineup.insert(1, (f"SGD + noise {noise:g}", optimizers.SGD(surface.lr), float(noise)))
    return lineup


class _Buffer:
    """What ``Optimizer.build`` needs to know about the parameters: their size and dtype."""
    size = 2
    dtype = np.dtype(np.float64)


@dataclass
class RaceResult:
    """The paths of a race: ``paths[label]`` is an array (steps + 1, 2) starting at the start
    point (shorter if the optimizer diverged); ``configs[label]`` the optimizer's config."""
    surface: Surface
    paths: dict
    configs: dict
    noise: dict
    seed: int
    steps: int
    start: tuple = field(default=None)

    def final(self, label):
        return self.paths[label][-1]

    def nearest_minimum(self, label):
        """The name (``"global"``, ``"local"``) of the minimum closest to where ``label`` ended."""
        end = self.final(label)
        return min(self.surface.minima,
                   key=lambda k: np.hypot(*(end - np.asarray(self.surface.minima[k]))))

    def describe(self):
        """Every setting needed to reproduce the race, one line each."""
        s = self.surface
        lines = [f"surface {s.name}: f(x, y) = {s.formula}; minima "
                 + ", ".join(f"{k} {v}" for k, v in s.minima.items()),
                 f"start {self.start}, steps {self.steps}, seed {self.seed}"]
        for label, path in self.paths.items():
            end = path[-1]
            config = {k: v for k, v in self.configs[label].items() if k != "name"}
            noise = f", gradient noise std {self.noise[label]:g}" if self.noise[label] else ""
            status = "diverged" if len(path) <= self.steps else \
                f"ends at ({end[0]:.3f}, {end[1]:.3f}), f = {s.f(*end):.4g}"
            lines.append(f"  {label}: {config}{noise} -> {status}")
        return "\n".join(lines)


def race(surface="two_minima", optimizers=None, steps=None, start=None, noise=0.0, seed=0):
    """Run each optimizer from the same start on a test surface and record its path.

    Args:
        surface: a name from ``SURFACES`` (``"bowl"``, ``"rosenbrock"``, ``"beale"``,
            ``"two_minima"``) or a ``Surface``. Defaults to `"two_minima"`.
        optimizers: a list of optimizer instances, ``(label, optimizer)`` or
            ``(label, optimizer, gradient_noise_std)`` tuples. Defaults to
            ``default_optimizers(surface, noise)``.
        steps: number of updates. Defaults to the surface's ``steps``.
        start: the start point. Defaults to the surface's ``start``.
        noise: with the default optimizers, adds an "SGD + noise" racer. Defaults to `0.0`.
        seed: seeds the gradient noise (each noisy racer draws the same sequence).
            Defaults to `0`.

    Returns:
        A ``RaceResult``. A racer whose position stops being finite stops there.
    """
    surface = get_surface(surface)
    steps = surface.steps if steps is None else int(steps)
    start = tuple(map(float, surface.start if start is None else start))
    lineup = default_optimizers(surface, noise) if optimizers is None else optimizers
    paths, configs, noises = {}, {}, {}
    for entry in lineup:
        label, opt, std = _racer(entry)
        if label in paths:
            raise ValueError(f"Two racers are labelled {label!r}; pass (label, optimizer) pairs.")
        paths[label] = _descend(surface.grad, opt, start, steps, std,
                                np.random.default_rng(seed))
        configs[label], noises[label] = opt.get_config(), std
    return RaceResult(surface, paths, configs, noises, int(seed), steps, start)


def _racer(entry):
    if isinstance(entry, tuple):
        label, opt, *rest = entry
        return label, opt, float(rest[0]) if rest else 0.0
    return label_of(entry), entry, 0.0


def _descend(grad_fn, optimizer, start, steps, noise_std, rng):
    params = np.array(start, dtype=np.float64)
    optimizer.build(_Buffer())
    path = [params.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            grads = grad_fn(params)
            if noise_std:
                grads = grads + rng.normal(0.0, noise_std, size=2)
            optimizer.apply(params, grads)
            if not np.all(np.isfinite(params)) or np.abs(params).max() > 1e6:
                break
            path.append(params.copy())
    return np.array(path)


# -- drawing ----------------------------------------------------------------------------------
def _contours(ax, surface, filled=True):
    x = np.linspace(*surface.xlim, 300)
    y = np.linspace(*surface.ylim, 300)
    xx, yy = np.meshgrid(x, y)
    zz = surface.f(xx, yy)
    lowest = min(zz.min(), min(surface.f(*m) for m in surface.minima.values()))
    shifted = zz - lowest + 1e-3
    levels = np.geomspace(shifted.min() + 1e-3, shifted.max(), 24)
    if filled:
        ax.contourf(xx, yy, shifted, levels=levels, cmap="Blues_r", norm=_log_norm(levels),
                    alpha=0.6)
        ax.contour(xx, yy, shifted, levels=levels, colors="0.45", linewidths=0.4)
    else:  # lines only: an animated GIF of flat colours stays small
        ax.contour(xx, yy, shifted, levels=levels, cmap="Blues_r", norm=_log_norm(levels),
                   linewidths=0.8)
    for kind, point in surface.minima.items():
        ax.plot(*point, "*" if kind == "global" else "X", color="gold" if kind == "global"
                else "darkorange", markersize=15, markeredgecolor="black", zorder=5)
        ax.annotate(f"{kind} min", point, xytext=(6, -14), textcoords="offset points",
                    fontsize=8)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def _log_norm(levels):
    from matplotlib.colors import LogNorm
    return LogNorm(levels[0], levels[-1])


def _draw_race(ax, result, upto=None, filled=True):
    """Draw the contours and each path (up to step ``upto``); returns the line artists."""
    _contours(ax, result.surface, filled)
    ax.plot(*result.start, "o", color="black", markersize=6, zorder=5)
    lines = {}
    for i, (label, path) in enumerate(result.paths.items()):
        shown = path if upto is None else path[:upto + 1]
        color = f"C{i}"
        (line,) = ax.plot(shown[:, 0], shown[:, 1], "-", color=color, linewidth=1.6,
                          label=label)
        (head,) = ax.plot(shown[-1:, 0], shown[-1:, 1], "o", color=color,
                          markeredgecolor="black", markersize=6, zorder=6)
        lines[label] = (line, head)
    ax.set_title(f"{result.surface.name}: {result.surface.formula}", fontsize=9)
    return lines


def plot_race(results, out=None):
    """Paths over contours, one panel per race result (pass one result or a list).

    The legend lists the racers; the seed and settings are in ``result.describe()``.
    """
    results = [results] if isinstance(results, RaceResult) else list(results)
    plt = pyplot()
    cols = min(len(results), 2)
    rows = -(-len(results) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, 4.6 * rows), squeeze=False)
    for ax, result in zip(axes.flat, results):
        _draw_race(ax, result)
    for ax in list(axes.flat)[len(results):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=8,
               bbox_to_anchor=(0.5, -0.01 if rows > 1 else -0.05))
    fig.suptitle(_caption(results), fontsize=9)
    fig.tight_layout(rect=(0, 0.04 if rows > 1 else 0.06, 1, 1))
    return finish(fig, out)


def _caption(results):
    r = results[0]
    lrs = {s.name: f"lr {s.lr:g}/{s.adaptive_lr:g}" for s in (x.surface for x in results)}
    return ("numpynn.optimizers from the same start (black dot); SGD family / adaptive "
            f"learning rates: {', '.join(f'{k} {v}' for k, v in lrs.items())}; seed {r.seed}")


def animate_race(result, out, frames=60, fps=12, dpi=70):
    """Write an animated GIF of the race (matplotlib's Pillow writer), ``frames`` frames
    spread evenly over the steps, with a pause on the last frame."""
    plt = pyplot()
    from matplotlib.animation import FuncAnimation, PillowWriter
    fig, ax = plt.subplots(figsize=(6.0, 4.8))
    lines = _draw_race(ax, result, upto=0, filled=False)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
    counter = ax.text(0.98, 0.02, "", transform=ax.transAxes, ha="right", fontsize=9)
    fig.tight_layout()
    ticks = np.unique(np.linspace(0, result.steps, frames).round().astype(int))
    ticks = np.concatenate([ticks, np.full(fps, ticks[-1])])

    def update(step):
        for label, (line, head) in lines.items():
            shown = result.paths[label][:step + 1]
            line.set_data(shown[:, 0], shown[:, 1])
            head.set_data(shown[-1:, 0], shown[-1:, 1])
        counter.set_text(f"step {step}")
        return [a for pair in lines.values() for a in pair] + [counter]

    animation = FuncAnimation(fig, update, frames=ticks, blit=False)
    make_folder(out)
    animation.save(out, writer=PillowWriter(fps=fps), dpi=dpi)
    plt.close(fig)
    return out
