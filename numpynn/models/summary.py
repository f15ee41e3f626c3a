"""``summary()``: the layer table in Keras' format."""


def readable_size(n_bytes):
    """``407080`` -> ``"397.54 KB"`` (powers of 1024, as Keras prints)."""
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _row(cells, widths, left, mid, right, aligns):
    parts = [(c.ljust(w - 2) if a == "<" else c.rjust(w - 2)) for c, w, a in zip(cells, widths, aligns)]
    return left + " " + (" " + mid + " ").join(parts) + " " + right


def summary_lines(model):
    """The lines of the summary table of a built model."""
    rows = [(f"{layer.name} ({type(layer).__name__})", str(layer.output_shape).replace(",)", ")"),
             f"{layer.count_params():,}") for layer in model.layers]
    headers = ("Layer (type)", "Output Shape", "Param #")
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 for i, h in enumerate(headers)]
    widths = [max(widths[0], 33), max(widths[1], 24), max(widths[2], 15)]
    aligns = ("<", "<", ">")
    bar = lambda l, m, r, f: l + m.join(f * w for w in widths) + r  # noqa: E731
    lines = [f'Model: "{model.name}"',
             bar("\u250f", "\u2533", "\u2513", "\u2501"),
             _row(headers, widths, "\u2503", "\u2503", "\u2503", ("<", "<", ">")),
             bar("\u2521", "\u2547", "\u2529", "\u2501")]
    for i, row in enumerate(rows):
        lines.append(_row(row, widths, "\u2502", "\u2502", "\u2502", aligns))
        if i < len(rows) - 1:
            lines.append(bar("\u251c", "\u253c", "\u2524", "\u2500"))
    lines.append(bar("\u2514", "\u2534", "\u2518", "\u2500"))
    itemsize = model.dtype.itemsize
    trainable = sum(l.count_params(trainable=True) for l in model.layers)
    frozen = sum(l.count_params(trainable=False) for l in model.layers)
    lines += [f" Total params: {trainable + frozen:,} ({readable_size((trainable + frozen) * itemsize)})",
              f" Trainable params: {trainable:,} ({readable_size(trainable * itemsize)})",
              f" Non-trainable params: {frozen:,} ({readable_size(frozen * itemsize)})"]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and optimizer.built:
        n = sum(s.size for s in optimizer.slots.values())
        lines.append(f" Optimizer params: {n:,} ({readable_size(n * itemsize)})")
    return lines
