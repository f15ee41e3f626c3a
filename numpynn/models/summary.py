"""``summary()``: the layer table as Keras 3 prints it into an 80-column log.

A chain of layers gets three columns (name and type, output shape, parameters); a graph
with branches, merges or shared layers a fourth, "Connected to": the tensors each layer
takes, as ``layer[call][output]``. A model used as a layer is one row with all its
parameters. Text too wide for its column wraps at spaces; a word too long for a line is cut
with "…". The totals count trainable, non-trainable and (once built) optimizer parameters.
"""
from numpynn.models import graph

#: widths of the cells' text: Keras' column positions on an 80-column terminal
CHAIN_WIDTHS = (31, 22, 13)
GRAPH_WIDTHS = (19, 17, 10, 17)
_ALIGN = ("<", "<", ">", "<")


def readable_size(n_bytes):
    """``407080`` -> ``"397.54 KB"`` (powers of 1024, as Keras prints)."""
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _wrap(text, width):
    """Lines of at most ``width`` characters, broken at spaces; an over-long word gets a
    line of its own, cut to ``width - 1`` characters and "…"."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        line = word if len(word) <= width else word[:width - 1] + "\u2026"
    return lines + [line]


def _border(widths, left, mid, right, fill):
    return left + mid.join(fill * (w + 2) for w in widths) + right


def _row(cells, widths, bar):
    """The text lines of one table row (its cells wrapped to their widths)."""
    wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths)]
    height = max(len(lines) for lines in wrapped)
    out = []
    for i in range(height):
        parts = [(lines[i] if i < len(lines) else "") for lines in wrapped]
        parts = [p.ljust(w) if a == "<" else p.rjust(w)
                 for p, w, a in zip(parts, widths, _ALIGN)]
        out.append(bar + " " + f" {bar} ".join(parts) + " " + bar)
    return out


def _shape(shape):
    if isinstance(shape, list):
        return "[" + ", ".join(_shape(s) for s in shape) + "]"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _is_chain(model):
    """Keras' test: one node per depth, each taking one tensor, and no layer called twice."""
    if model.is_chain:
        return True
    depths, _ = graph.node_depths(model.inputs, model.graph_nodes)
    nodes = model.graph_nodes + [t.node for t in model.inputs]
    per_depth = {}
    for node in nodes:
        per_depth.setdefault(depths[id(node)], []).append(node)
    if any(len(v) > 1 or len(v[0].inputs) > 1 for v in per_depth.values()):
        return False
    return len({id(node.layer) for node in nodes}) == len(nodes)


def _connections(layer, members):
    inputs = [f"{t.node.layer.name}[{t.node.index}][{t.index}]"
              for node in layer.inbound_nodes if id(node) in members for t in node.inputs]
    return ", ".join(inputs) or "-"


def summary_lines(model):
    """The lines of the summary table of a built model."""
    chain = _is_chain(model)
    widths = CHAIN_WIDTHS if chain else GRAPH_WIDTHS
    headers = ("Layer (type)", "Output Shape", "Param #", "Connected to")[:len(widths)]
    members = set()
    if not chain:
        members = {id(n) for n in model.graph_nodes} | {id(t.node) for t in model.inputs}
    lines = [f'Model: "{model.name}"', _border(widths, "\u250f", "\u2533", "\u2513", "\u2501")]
    lines += _row(headers, widths, "\u2503")
    lines.append(_border(widths, "\u2521", "\u2547", "\u2529", "\u2501"))
    for i, layer in enumerate(model.layers):
        cells = [f"{layer.name} ({type(layer).__name__})", _shape(layer.output_shape),
                 f"{layer.count_params():,}"]
        if not chain:
            cells.append(_connections(layer, members))
        if i:
            lines.append(_border(widths, "\u251c", "\u253c", "\u2524", "\u2500"))
        lines += _row(cells, widths, "\u2502")
    lines.append(_border(widths, "\u2514", "\u2534", "\u2518", "\u2500"))
    return lines + _totals(model)


def _totals(model):
    """Keras' count lines; the optimizer's parameters are its slots, its step counter
    (int64) and its learning rate (unless it follows a schedule); a MultiOptimizer's are
    its own counter and rate and those of each of its built optimizers (in its slots)."""
    itemsize = model.dtype.itemsize
    trainable = model.count_params(trainable=True)
    frozen = model.count_params(trainable=False)
    optimizer = model.optimizer if getattr(model, "compiled", False) else None
    counted = optimizer is not None and optimizer.built
    owners = [optimizer, *(o for o in getattr(optimizer, "optimizers", ()) if o.built)] \
        if counted else []
    rates = sum(not callable(getattr(o, "_learning_rate", None)) for o in owners)
    slots = list(optimizer.slots.values()) if counted else []
    count = sum(s.size for s in slots) + (1 + rates if counted else 0)
    nbytes = sum(s.nbytes for s in slots) + (8 + itemsize * rates if counted else 0)
    total = trainable + frozen + count
    total_bytes = (trainable + frozen) * itemsize + nbytes
    lines = [f" Total params: {total:,} ({readable_size(total_bytes)})",
             f" Trainable params: {trainable:,} ({readable_size(trainable * itemsize)})",
             f" Non-trainable params: {frozen:,} ({readable_size(frozen * itemsize)})"]
    if counted:
        lines.append(f" Optimizer params: {count:,} ({readable_size(nbytes)})")
    return lines
