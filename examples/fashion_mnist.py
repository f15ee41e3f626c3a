"""A plain Keras script: Fashion-MNIST with Flatten -> Dense(128, relu) -> Dense(10, softmax).

It runs unchanged under Keras 3. To run it on numpynn, replace the import line with
``import numpynn as keras`` (tests/test_keras_script.py does exactly that).
"""
import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
              loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=5, batch_size=32, validation_split=0.1, verbose=2)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
predictions = model.predict(x_test[:5], verbose=0)
print("history keys:", sorted(history.history))
print("first predictions:", np.argmax(predictions, axis=1), "labels:", np.argmax(y_test[:5], axis=1))
print(f"test accuracy: {test_accuracy:.4f}")
