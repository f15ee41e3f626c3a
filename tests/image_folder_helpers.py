"""Small image folders written into a test's temporary directory."""
import numpy as np

FORMATS = [("png", "RGB", (20, 30)), ("jpg", "RGB", (17, 23)), ("bmp", "RGB", (25, 25)),
           ("gif", "P", (12, 40)), ("png", "RGBA", (33, 21)), ("png", "L", (8, 8)),
           ("jpeg", "L", (30, 12)), ("bmp", "L", (9, 14))]


def smooth_pixels(rng, height, width, channels):
    """A smooth random picture (JPEG keeps it well): a random plane plus a blob."""
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    planes = [rng.uniform(20, 120) + rng.uniform(-100, 100) * x + rng.uniform(-100, 100) * y
              + 80 * np.exp(-((x - rng.uniform()) ** 2 + (y - rng.uniform()) ** 2) * 8)
              for _ in range(channels)]
    return np.clip(np.stack(planes, -1), 0, 255).astype(np.uint8)


def write_image(path, mode, size, rng):
    from PIL import Image
    channels = {"L": 1, "RGB": 3, "P": 3, "RGBA": 4}[mode]
    pixels = smooth_pixels(rng, *size, channels)
    image = Image.fromarray(pixels[..., 0] if channels == 1 else pixels,
                            {"L": "L", "RGB": "RGB", "P": "RGB", "RGBA": "RGBA"}[mode])
    if mode == "P":
        image = image.convert("P")
    image.save(path)
    return path


def make_image_folder(root, classes=("cats", "dogs", "birds"), formats=FORMATS, seed=0):
    """``root/<class>/img<i>.<ext>`` for every class and format; returns ``root``."""
    rng = np.random.default_rng(seed)
    for name in classes:
        (root / name).mkdir(parents=True)
        for i, (extension, mode, size) in enumerate(formats):
            write_image(root / name / f"img{i}.{extension}", mode, size, rng)
    return root
