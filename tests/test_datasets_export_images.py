"""export_image_folders and its ``python -m`` entry, on a small fake IDX data set."""
import subprocess
import sys

import numpy as np
import pytest

from numpynn.data import image_dataset_from_directory, load_img
from numpynn.datasets import export_image_folders, fashion_mnist, write_idx
from numpynn.datasets.export_images import class_folder_names, main

pytest.importorskip("PIL", reason="PNG files need Pillow: pip install -e '.[images]'")
pytestmark = pytest.mark.usefixtures("isolated_datasets")


@pytest.fixture
def idx_folder(tmp_path):
    """Fashion-MNIST's four files with 30 training and 20 test images."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "idx"
    folder.mkdir()
    arrays = {}
    for name, n in (("train", 30), ("t10k", 20)):
        arrays[name] = (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                        rng.permutation(np.arange(n) % 10).astype(np.uint8))
        write_idx(folder / f"{name}-images-idx3-ubyte.gz", arrays[name][0])
        write_idx(folder / f"{name}-labels-idx1-ubyte.gz", arrays[name][1])
    return folder, arrays


def test_folder_names_sort_in_label_order():
    names = class_folder_names(fashion_mnist.CLASS_NAMES)
    assert names[0] == "0_T-shirt_top" and names[9] == "9_Ankle_boot"
    assert sorted(names) == names
    assert class_folder_names(tuple("0123456789")) == list("0123456789")
    assert class_folder_names([f"c{i}" for i in range(12)])[:2] == ["00_c0", "01_c1"]


def test_export_writes_every_image_as_a_png_in_its_class_folder(tmp_path, idx_folder):
    folder, arrays = idx_folder
    written = export_image_folders(tmp_path / "out", path=folder)
    assert written == {"train": 30, "test": 20}
    images, labels = arrays["train"]
    row = 7
    png = tmp_path / "out" / "train" / class_folder_names(fashion_mnist.CLASS_NAMES)[
        labels[row]] / f"{row:05d}.png"
    np.testing.assert_array_equal(np.asarray(load_img(png, "grayscale")), images[row])
    ds = image_dataset_from_directory(tmp_path / "out" / "train", color_mode="grayscale",
                                      image_size=(28, 28), shuffle=False, batch_size=None,
                                      verbose=False)
    assert ds.class_names == class_folder_names(fashion_mnist.CLASS_NAMES)
    for path, (x, y) in zip(ds.file_paths, ds):
        row = int(path[-9:-4])
        assert y == labels[row]
        np.testing.assert_array_equal(x[..., 0], images[row])


def test_per_class_subset_and_refusing_to_overwrite(tmp_path, idx_folder):
    folder, arrays = idx_folder
    assert export_image_folders(tmp_path / "out", subset="test", per_class=1,
                                path=folder) == {"test": 10}
    assert not (tmp_path / "out" / "train").exists()
    with pytest.raises(ValueError, match="already holds files; pass overwrite=True"):
        export_image_folders(tmp_path / "out", subset="test", path=folder)
    assert export_image_folders(tmp_path / "out", subset="test", path=folder,
                                overwrite=True) == {"test": 20}
    with pytest.raises(ValueError, match="per_class must be a positive integer"):
        export_image_folders(tmp_path / "x", per_class=0, path=folder)
    with pytest.raises(ValueError, match="dataset must be one of fashion_mnist, mnist"):
        export_image_folders(tmp_path / "x", dataset="cifar10")


def test_command_line(tmp_path, idx_folder, capsys):
    folder, _ = idx_folder
    assert main([str(tmp_path / "out"), "--path", str(folder), "--subset", "train",
                 "--per-class", "2"]) == 0
    assert "20 images in" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main([str(tmp_path / "out"), "--path", str(folder), "--subset", "train"])
    assert info.value.code == 2 and "already holds files" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tmp_path / "elsewhere"), "--path", str(tmp_path / "no-files")])
    assert "lacks train-images-idx3-ubyte.gz" in capsys.readouterr().err


def test_python_dash_m_runs_the_module():
    result = subprocess.run([sys.executable, "-m", "numpynn.datasets.export_images", "--help"],
                            capture_output=True, text=True, check=True)
    assert "one per class" in result.stdout and "--per-class" in result.stdout
    assert "RuntimeWarning" not in result.stderr  # the package does not import it first
