"""``plot_model``: a model's graph of layer calls as a picture, drawn with matplotlib alone.

Each layer call is a box (its name, class, and with ``show_shapes`` its input and output
shapes); each tensor passed from one call to another is an arrow. The layout is the classic
layered one: a box's row is the longest path from an input to it (so every arrow points
down), and the boxes of a row are ordered by the mean position of the boxes they connect to
(the barycenter heuristic), which untangles most crossings. With ``expand_nested`` the layer
calls inside a nested model are drawn in a dashed frame named after it.

``model_layout`` computes the numbers (boxes, arrows, frames) without drawing anything.
"""
from dataclasses import dataclass, field

from numpynn.visual._figure import finish, pyplot

CHAR_WIDTH = 0.62  # width of one character, in units of the font size
LINE_HEIGHT = 1.5  # height of one text line, same units
PADDING = 0.8  # room around the text inside a box
ROW_GAP = 2.2  # vertical room between two rows of boxes, for the arrows
COLUMN_GAP = 1.6  # horizontal room between two boxes of a row
FRAME_PADDING = 0.7  # room between a nested model's frame and the boxes inside it
SWEEPS = 4  # down-and-up passes of the barycenter ordering
DUMMY_WIDTH = 0.6  # room for an arrow passing through a row


@dataclass
class Box:
    """One layer call: its ``lines`` of text and its rectangle, centre (x, y), in font
    units with y growing downwards (row 0, the inputs, at the top)."""
    lines: list
    row: int = 0
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    group: tuple = ()


@dataclass
class Frame:
    """A nested model drawn expanded: its ``name`` and the indices of its ``boxes``;
    ``rect`` (left, top, right, bottom) is set by the layout."""
    name: str
    path: tuple
    boxes: list = field(default_factory=list)
    rect: tuple = (0.0, 0.0, 0.0, 0.0)


@dataclass
class ModelLayout:
    """Everything ``plot_model`` draws: ``boxes``, ``edges`` (pairs of box indices, from
    the box that makes a tensor to one that takes it), the ``routes`` of their arrows
    (lists of points) and ``frames``."""
    boxes: list
    edges: list
    frames: list
    routes: list = field(default_factory=list)

    def extent(self):
        """(left, top, right, bottom) of the drawing."""
        rects = [(b.x - b.width / 2, b.y - b.height / 2, b.x + b.width / 2, b.y + b.height / 2)
                 for b in self.boxes] + [f.rect for f in self.frames]
        rects += [(x, y, x, y) for route in self.routes for x, y in route]
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))


def model_layout(model, show_shapes=False, show_dtype=False, show_layer_names=False,
                 expand_nested=False, show_layer_activations=False, show_trainable=False):
    """The layout of ``model``'s graph (see the module); the model is built if it can be."""
    if not model.built and getattr(model, "input_shape", None) is not None:
        model.build()
    if not model.inputs:
        raise ValueError(f"Model {model.name!r} is not built, so its graph is unknown: give "
                         "it an Input(shape=...) or call it on data before plotting it.")
    labels = {"show_shapes": show_shapes, "show_dtype": show_dtype,
              "show_layer_names": show_layer_names, "show_trainable": show_trainable,
              "show_layer_activations": show_layer_activations}
    layout = ModelLayout([], [], [])
    _add_calls(layout, model, (), None, labels, expand_nested)
    layout.edges = list(dict.fromkeys(layout.edges))  # add([h, h]): one arrow
    _place(layout)
    return layout


def _add_calls(layout, model, path, sources, labels, expand_nested):
    """Add a box per layer call of ``model`` (inside the frame ``path``), its inputs fed by
    the boxes ``sources``; returns the boxes that make the model's outputs."""
    made = {}  # tensor id -> index of the box that makes it
    for i, tensor in enumerate(model.inputs):
        made[id(tensor)] = _add_box(layout, tensor.node, path, labels)
        if sources is not None:
            layout.edges.append((sources[i], made[id(tensor)]))
    for node in model.graph_nodes:
        inputs = [made[id(t)] for t in node.inputs]
        if expand_nested and hasattr(node.layer, "graph_nodes"):
            inner = path + (id(node),)
            title = f"{node.layer.name} ({type(node.layer).__name__})"
            layout.frames.append(Frame(title, inner))
            outputs = _add_calls(layout, node.layer, inner, inputs, labels, expand_nested)
        else:
            box = _add_box(layout, node, path, labels)
            layout.edges += [(source, box) for source in inputs]
            outputs = [box] * len(node.outputs)
        made.update((id(t), box) for t, box in zip(node.outputs, outputs))
    return [made[id(t)] for t in model.outputs]


def _add_box(layout, node, path, labels):
    layout.boxes.append(Box(_label(node, **labels), group=path))
    return len(layout.boxes) - 1


def _label(node, show_shapes, show_dtype, show_layer_names, show_trainable,
           show_layer_activations):
    """Keras' label: the name and class (or the class alone), then the details asked."""
    layer, kind = node.layer, type(node.layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    activation = getattr(getattr(layer, "activation", None), "name", None)
    if show_layer_activations and activation:
        lines.append(f"Activation: {activation}")
    if show_shapes:
        if node.inputs:
            lines.append(f"Input shape: {_shapes([t.shape for t in node.inputs])}")
        lines.append(f"Output shape: {_shapes([t.shape for t in node.outputs])}")
    if show_dtype:
        lines.append(f"dtype: {layer.dtype}")
    if show_trainable:
        lines.append(f"Trainable: {'yes' if layer.trainable else 'no'}")
    return lines


def _shapes(shapes):
    text = [str(tuple(shape)) for shape in shapes]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


# -- layout ---------------------------------------------------------------------------------
def _place(layout):
    """Rows, order within rows, then coordinates. An arrow that skips rows passes through a
    point of its own in each row between (a "dummy" box), which the ordering places too, so
    that it runs beside the boxes rather than through them."""
    boxes = layout.boxes
    for box in boxes:
        box.width = max(len(line) for line in box.lines) * CHAR_WIDTH + 2 * PADDING
        box.height = len(box.lines) * LINE_HEIGHT + PADDING
    for source, target in layout.edges:  # boxes come in topological order
        boxes[target].row = max(boxes[target].row, boxes[source].row + 1)
    widths, row_of = [b.width for b in boxes], [b.row for b in boxes]
    chains, links, dummy_groups = [], [], {}
    for source, target in layout.edges:
        chain = [source]
        for row in range(boxes[source].row + 1, boxes[target].row):
            widths.append(DUMMY_WIDTH)
            row_of.append(row)
            chain.append(len(widths) - 1)
            dummy_groups[chain[-1]] = _common(boxes[source].group, boxes[target].group)
        chains.append(chain + [target])
        links += zip(chains[-1], chains[-1][1:])
    rows = [[] for _ in range(max(row_of) + 1)]
    for vertex, row in enumerate(row_of):
        rows[row].append(vertex)
    _order_rows(rows, links, len(widths))
    x = [0.0] * len(widths)
    for row in rows:
        left = -(sum(widths[v] for v in row) + COLUMN_GAP * (len(row) - 1)) / 2
        for vertex in row:
            x[vertex] = left + widths[vertex] / 2
            left += widths[vertex] + COLUMN_GAP
    bands = _row_bands(layout, rows)
    for box, centre in zip(boxes, x):
        box.x, box.y = centre, sum(bands[box.row]) / 2
    _frame(layout)
    for vertex, group in dummy_groups.items():
        _step_out_of_frames(vertex, group, x, bands[row_of[vertex]], layout.frames)
    layout.routes = [_route(chain, boxes, x, row_of, bands) for chain in chains]


def _common(a, b):
    """The innermost frame that holds both ``a`` and ``b`` (frame paths)."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _step_out_of_frames(vertex, group, x, band, frames):
    """Move an arrow's point clear of the frames it does not belong to (outermost first)."""
    for frame in sorted(frames, key=lambda f: len(f.path)):
        left, top, right, bottom = frame.rect
        outside = frame.path != group[:len(frame.path)]
        near = left - COLUMN_GAP < x[vertex] < right + COLUMN_GAP
        if outside and near and top < band[1] and band[0] < bottom:
            middle = (left + right) / 2
            x[vertex] = right + COLUMN_GAP if x[vertex] >= middle else left - COLUMN_GAP


def _row_bands(layout, rows):
    """(top, bottom) of each row: as high as its highest box, with room between rows for
    the arrows and for the frames that start or end there."""
    for frame in layout.frames:
        frame.boxes = [i for i, b in enumerate(layout.boxes)
                       if b.group[:len(frame.path)] == frame.path]
    starts = [min(layout.boxes[i].row for i in f.boxes) for f in layout.frames]
    ends = [max(layout.boxes[i].row for i in f.boxes) for f in layout.frames]
    bands, top = [], 0.0
    for r, row in enumerate(rows):
        top += (FRAME_PADDING + LINE_HEIGHT) * starts.count(r)
        height = max([layout.boxes[v].height for v in row if v < len(layout.boxes)] or [0.0])
        bands.append((top, top + height))
        top += height + ROW_GAP + FRAME_PADDING * ends.count(r)
    return bands


def _route(chain, boxes, x, row_of, bands):
    """The points of one arrow: from the bottom of its first box, down through its dummy
    boxes (straight across their rows), to the top of its last box."""
    source, target = boxes[chain[0]], boxes[chain[-1]]
    points = [(source.x, source.y + source.height / 2)]
    for vertex in chain[1:-1]:
        top, bottom = bands[row_of[vertex]]
        points += [(x[vertex], top), (x[vertex], bottom)]
    return points + [(target.x, target.y - target.height / 2)]


def _order_rows(rows, edges, count):
    """Order each row by the barycenter of its neighbours in the rows above (going down)
    or below (going up); ties keep the order of discovery."""
    above = [[] for _ in range(count)]
    below = [[] for _ in range(count)]
    for source, target in edges:
        above[target].append(source)
        below[source].append(target)
    position = {}

    def settle(row):
        position.update((index, slot - (len(row) - 1) / 2) for slot, index in enumerate(row))

    for row in rows:
        settle(row)
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        neighbours = above if downwards else below
        for row in (rows[1:] if downwards else rows[-2::-1]):
            row.sort(key=lambda i: _mean([position[j] for j in neighbours[i]], position[i]))
            settle(row)


def _mean(values, default):
    return sum(values) / len(values) if values else default


def _frame(layout):
    """Each frame's rectangle around its boxes and the frames inside it, innermost first."""
    for frame in sorted(layout.frames, key=lambda f: -len(f.path)):
        rects = [(b.x - b.width / 2, b.y - b.height / 2, b.x + b.width / 2,
                  b.y + b.height / 2) for b in (layout.boxes[i] for i in frame.boxes)]
        rects += [f.rect for f in layout.frames if len(f.path) > len(frame.path)
                  and f.path[:len(frame.path)] == frame.path]
        pad, title = FRAME_PADDING, LINE_HEIGHT
        frame.rect = (min(r[0] for r in rects) - pad, min(r[1] for r in rects) - pad - title,
                      max(r[2] for r in rects) + pad, max(r[3] for r in rects) + pad)


# -- drawing --------------------------------------------------------------------------------
def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw ``model``'s graph to ``to_file`` (PNG, or any format matplotlib writes) and
    return the path, as ``keras.utils.plot_model`` does, without pydot or graphviz.

    Args:
        show_shapes: each box shows its input and output shapes. Defaults to `False`.
        show_dtype, show_layer_activations, show_trainable: more lines per box.
        show_layer_names: boxes read ``name (Class)`` rather than ``Class``. Defaults to
            `False`.
        rankdir: only `"TB"` (top to bottom) is drawn.
        expand_nested: draw the layers of nested models inside a frame. Defaults to `False`.
        dpi: dots per inch of the image. Defaults to `200`.
    """
    unknown = sorted(set(kwargs) - {"splines"})  # graphviz' edge style: not needed here
    if unknown:
        raise TypeError(f"plot_model() got unexpected arguments {unknown}.")
    if rankdir != "TB":
        raise ValueError(f"plot_model draws top to bottom only: use rankdir='TB', got "
                         f"{rankdir!r}.")
    layout = model_layout(model, show_shapes, show_dtype, show_layer_names, expand_nested,
                          show_layer_activations, show_trainable)
    return finish(draw_layout(layout), to_file, dpi)


def draw_layout(layout, font_size=10):
    """A matplotlib figure of ``layout``: 1 font unit is ``font_size`` points."""
    plt = pyplot()
    from matplotlib.patches import FancyBboxPatch, Rectangle
    left, top, right, bottom = layout.extent()
    unit = font_size / 72  # inches per font unit
    fig = plt.figure(figsize=((right - left + 1) * unit, (bottom - top + 1) * unit))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(left - 0.5, right + 0.5)
    ax.set_ylim(bottom + 0.5, top - 0.5)
    ax.axis("off")
    for frame in layout.frames:
        x0, y0, x1, y1 = frame.rect
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=True, facecolor="#f4f6fb",
                               edgecolor="#7a869a", linestyle="--", linewidth=1.0))
        ax.text(x0 + 0.4, y0 + 0.3, frame.name, ha="left", va="top", fontsize=font_size,
                style="italic", color="#44506a")
    for route in layout.routes:
        _arrow(ax, route)
    for box in layout.boxes:
        ax.add_patch(FancyBboxPatch((box.x - box.width / 2, box.y - box.height / 2),
                                    box.width, box.height,
                                    boxstyle="round,pad=0,rounding_size=0.4",
                                    facecolor="white", edgecolor="#2b3a55", linewidth=1.2))
        first = box.y - box.height / 2 + PADDING / 2 + LINE_HEIGHT / 2
        for i, line in enumerate(box.lines):
            ax.text(box.x, first + i * LINE_HEIGHT, line, ha="center", va="center",
                    fontsize=font_size, fontweight="bold" if i == 0 else "normal",
                    family="monospace" if i else None, color="#1b2433")
    return fig


def _arrow(ax, route):
    """Straight segments through the points of ``route``, the last one with a head."""
    style = {"color": "#5a6b8c", "linewidth": 1.1}
    xs, ys = zip(*route[:-1])
    ax.plot(xs, ys, solid_capstyle="round", **style)
    ax.annotate("", xy=route[-1], xytext=route[-2],
                arrowprops={"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 0,
                            "mutation_scale": 12, **style})
