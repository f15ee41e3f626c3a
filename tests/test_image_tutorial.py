"""Keras' "image classification from scratch" tutorial, its lines as written with
``import numpynn as keras``, on a small folder of JPEGs made in a temp dir: the dataset
pair, the augmentation mapped over the data set, the Xception-style model, ModelCheckpoint
to ``.keras`` files every epoch, and the closing prediction with ``keras.ops``."""
import numpy as np
import pytest

import numpynn as keras
from numpynn import layers

pytest.importorskip("PIL", reason="image files need Pillow: pip install numpynn[images]")


def make_model(input_shape, num_classes):
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous_block_activation = x
    for size in [16]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
        x = layers.add([x, residual])
        previous_block_activation = x
    x = layers.GlobalAveragePooling2D()(x)
    units = 1 if num_classes == 2 else num_classes
    x = layers.Dropout(0.25)(x)
    outputs = layers.Dense(units, activation=None)(x)
    return keras.Model(inputs, outputs)


def test_the_tutorial_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    for label in ("Cat", "Dog"):
        (tmp_path / "PetImages" / label).mkdir(parents=True)
        for i in range(12):
            keras.utils.save_img(f"PetImages/{label}/{i}.jpg", rng.uniform(0, 255, (20, 18, 3)))
    image_size = (16, 16)
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        "PetImages", validation_split=0.25, subset="both", seed=1337, image_size=image_size,
        batch_size=6)
    for images, labels in train_ds.take(1):
        assert np.array(images[0]).astype("uint8").shape == (16, 16, 3) and len(labels) == 6
    data_augmentation_layers = [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)]

    def data_augmentation(images):
        for layer in data_augmentation_layers:
            images = layer(images)
        return images
    train_ds = train_ds.map(lambda img, label: (data_augmentation(img), label),
                            num_parallel_calls=keras.data.AUTOTUNE)
    train_ds = train_ds.prefetch(keras.data.AUTOTUNE)
    val_ds = val_ds.prefetch(keras.data.AUTOTUNE)
    model = make_model(input_shape=image_size + (3,), num_classes=2)
    model.compile(optimizer=keras.optimizers.Adam(3e-4),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(name="acc")])
    history = model.fit(train_ds, epochs=2, validation_data=val_ds, verbose=0,
                        callbacks=[keras.callbacks.ModelCheckpoint("save_at_{epoch}.keras")])
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert (tmp_path / "save_at_1.keras").is_file() and (tmp_path / "save_at_2.keras").is_file()
    img = keras.utils.load_img("PetImages/Cat/6.jpg", target_size=image_size)
    img_array = keras.utils.img_to_array(img)
    img_array = keras.ops.expand_dims(img_array, 0)
    predictions = model.predict(img_array, verbose=0)
    score = float(keras.ops.sigmoid(predictions[0][0]))
    assert 0.0 < score < 1.0
    saved = keras.models.load_model("save_at_2.keras")
    np.testing.assert_allclose(saved.predict(img_array, verbose=0), predictions, rtol=1e-6)
