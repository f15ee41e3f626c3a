"""Nested data elements, as tf.data sees them: a tuple or a dict of elements, or a leaf (an
array, a number, a string). Lists are leaves: ``np.asarray`` makes them arrays."""
import numpy as np


def is_nested(element):
    return isinstance(element, (tuple, dict))


def map_structure(fn, element):
    """``element`` with ``fn`` applied to each leaf, tuples and dicts kept."""
    if isinstance(element, tuple):
        return tuple(map_structure(fn, e) for e in element)
    if isinstance(element, dict):
        return {key: map_structure(fn, value) for key, value in element.items()}
    return fn(element)


def flatten(element):
    """The leaves of ``element``, depth first, dict values in key order."""
    if isinstance(element, tuple):
        return [leaf for e in element for leaf in flatten(e)]
    if isinstance(element, dict):
        return [leaf for key in element for leaf in flatten(element[key])]
    return [element]


def pack_like(template, leaves):
    """The structure of ``template`` filled with ``leaves`` (as ``flatten`` listed them)."""
    leaves = iter(leaves)
    return map_structure(lambda _: next(leaves), template)


def as_arrays(element):
    """Every leaf as a NumPy array."""
    return map_structure(np.asarray, element)


def describe(element):
    """Shapes and dtypes of ``element``'s leaves, for error messages."""
    return map_structure(lambda a: f"{np.shape(a)} {np.asarray(a).dtype}", element)


def stack(elements, what="batch"):
    """One element whose leaves stack the leaves of ``elements`` along a new first axis.

    Raises a ValueError naming the first element whose structure or shape differs."""
    first = elements[0]
    columns = [[leaf] for leaf in flatten(first)]
    for i, element in enumerate(elements[1:], start=1):
        leaves = flatten(element)
        if len(leaves) != len(columns) or (is_nested(first) and type(first) is not type(element)):
            raise ValueError(f"Cannot stack the elements of {what}: element {i} is "
                             f"{describe(element)}, element 0 is {describe(first)}.")
        for column, leaf in zip(columns, leaves):
            column.append(leaf)
    stacked = []
    for column in columns:
        shapes = [np.shape(leaf) for leaf in column]
        if any(shape != shapes[0] for shape in shapes):
            bad = next(i for i, shape in enumerate(shapes) if shape != shapes[0])
            raise ValueError(
                f"Cannot stack the elements of {what}: element {bad} has shape {shapes[bad]}, "
                f"element 0 has {shapes[0]}. Bring them to one shape first (e.g. resize "
                "images with layers.Resizing in a map), or batch with batch_size=1.")
        stacked.append(np.stack(column))
    return pack_like(first, stacked)


def batch_length(element, what):
    """The common first-axis length of ``element``'s leaves, or a ValueError."""
    lengths = {len(np.asarray(leaf)) if np.ndim(leaf) else None for leaf in flatten(element)}
    if None in lengths:
        raise ValueError(f"{what} has a leaf without a batch axis: {describe(element)}.")
    if len(lengths) != 1:
        raise ValueError(f"{what} holds arrays of different lengths: {describe(element)}; "
                         "every array needs one entry per sample.")
    return lengths.pop()
