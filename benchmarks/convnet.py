"""W6's convnet, written once for numpynn, PyTorch and Keras (see ``workloads.py``)."""
import numpy as np


class ConvNet:
    """The small Fashion-MNIST convnet of the CNN day (workload W6)::

        Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2)
        -> Flatten -> Dropout(0.5) -> Dense(10, softmax)

    It stands where an MLP's tuple of widths does in this module's functions: ``[0]`` is the
    size of a flattened input image, ``[-1]`` the number of classes.
    """

    image = (28, 28, 1)
    convolutions = ((3, 1, 32), (3, 32, 64))  # (kernel size, in channels, filters)
    classes = 10
    features = 5 * 5 * 64  # what Flatten hands the Dense layer

    def __getitem__(self, index):
        return (int(np.prod(self.image)), self.classes)[index]

    def initial_weights(self, seed=0):
        """``[kernel_1, bias_1, kernel_2, bias_2, dense kernel, dense bias]``, Keras' layouts
        ((kh, kw, in, out) kernels), Glorot uniform, zero biases."""
        rng = np.random.default_rng(seed)
        weights = []
        for k, n_in, n_out in self.convolutions:
            limit = np.sqrt(6.0 / (k * k * (n_in + n_out)))
            weights += [rng.uniform(-limit, limit, (k, k, n_in, n_out)).astype(np.float32),
                        np.zeros(n_out, np.float32)]
        limit = np.sqrt(6.0 / (self.features + self.classes))
        return weights + [rng.uniform(-limit, limit, (self.features, self.classes))
                          .astype(np.float32), np.zeros(self.classes, np.float32)]

    def training_flops(self):
        """Multiply-add FLOPs of one training step per image, as for the MLPs: forward,
        dL/dkernel, and dL/dx except at the first layer (im2col products of 26x26 and 11x11
        output pixels, then the Dense layer)."""
        first = 2 * 26 * 26 * 32 * 9
        second = 2 * 11 * 11 * 64 * (9 * 32)
        dense = 2 * self.features * self.classes
        return 2 * first + 3 * second + 3 * dense

    def keras_model(self, keras):
        layers = [keras.Input(shape=self.image)]
        for k, _, filters in self.convolutions:
            layers += [keras.layers.Conv2D(filters, k, activation="relu"),
                       keras.layers.MaxPooling2D(2)]
        layers += [keras.layers.Flatten(), keras.layers.Dropout(0.5),
                   keras.layers.Dense(self.classes, activation="softmax")]
        return keras.Sequential(layers)

    def torch_model(self, weights):
        """NCHW, as PyTorch users write it; the weights are Keras' moved to PyTorch's layouts
        (the Dense rows reordered from Keras' (h, w, c) flattening to PyTorch's (c, h, w))."""
        import torch
        nn = torch.nn
        conv1, conv2 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        linear = nn.Linear(self.features, self.classes)
        dense = weights[4].reshape(5, 5, 64, self.classes).transpose(2, 0, 1, 3)
        with torch.no_grad():
            for module, kernel, bias in ((conv1, weights[0], weights[1]),
                                         (conv2, weights[2], weights[3])):
                module.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()))
                module.bias.copy_(torch.from_numpy(bias))
            linear.weight.copy_(torch.from_numpy(dense.reshape(self.features, -1).T.copy()))
            linear.bias.copy_(torch.from_numpy(weights[5]))
        return nn.Sequential(conv1, nn.ReLU(), nn.MaxPool2d(2), conv2, nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Dropout(0.5), linear)

    def torch_inputs(self, x):
        """Flattened images as PyTorch's (n, 1, 28, 28)."""
        return x.reshape(-1, 1, 28, 28)

    def keras_inputs(self, x):
        """Flattened images as Keras' (n, 28, 28, 1)."""
        return x.reshape((-1,) + self.image)


FASHION_CNN = ConvNet()
