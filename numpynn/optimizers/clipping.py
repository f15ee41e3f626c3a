"""Gradient clipping, as Keras 3's optimizers do it before each update (one at a time):

    clipvalue:        g <- clip(g, -c, c)                      elementwise
    clipnorm:         g_k <- g_k c / max(||g_k||, c)           each weight k on its own
    global_clipnorm:  g <- g c / max(||g||, c)                 all weights together
"""
import math

import numpy as np


def clip_gradients(grads, work, segments, clipnorm=None, clipvalue=None,
                   global_clipnorm=None):
    """The clipped flat ``grads``: ``grads`` itself when nothing changes, else ``work`` (a
    buffer of the same size, overwritten). ``segments``: the ``(start, stop)`` of each
    weight in the flat buffer, for ``clipnorm``."""
    if clipvalue:
        return np.clip(grads, -clipvalue, clipvalue, out=work)
    if global_clipnorm:
        norm = math.sqrt(float(np.dot(grads, grads)))
        scale = global_clipnorm / max(norm, global_clipnorm)
        return grads if scale == 1.0 else np.multiply(grads, scale, out=work)
    if clipnorm:
        work[...] = grads
        for a, b in segments:
            norm = math.sqrt(float(np.dot(grads[a:b], grads[a:b])))
            if norm > clipnorm:
                work[a:b] *= clipnorm / norm
        return work
    return grads
