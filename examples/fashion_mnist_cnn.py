"""A plain Keras script: the CNN day's convolutional network on Fashion-MNIST.

    Conv2D(32, 3, relu) -> MaxPooling2D -> Conv2D(64, 3, relu) -> MaxPooling2D
    -> Flatten -> Dense(128, relu) -> Dropout(0.5) -> Dense(10, softmax)

It runs unchanged under Keras 3. To run it on numpynn, replace the import line with
``import numpynn as keras`` (tests/test_keras_script.py does exactly that). It is the network
of ``numpynn train --dataset fashion-mnist --model cnn``; docs/cnn.md gives what it reaches.
"""
import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
# (n, 28, 28) bytes -> (n, 28, 28, 1) floats in [0, 1]: Conv2D wants a channel axis
x_train = np.expand_dims(x_train / 255.0, -1).astype("float32")
x_test = np.expand_dims(x_test / 255.0, -1).astype("float32")
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=15, batch_size=128, validation_split=0.1,
                    verbose=2)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
predictions = model.predict(x_test[:5], verbose=0)
print("first predictions:", np.argmax(predictions, axis=1), "labels:", np.argmax(y_test[:5], axis=1))
print(f"test accuracy: {test_accuracy:.4f}")
