"""Data loaders: the course's HDF5 layout, image folders, CSV files, built-in sets."""

import re
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from hdf5_crafted import OUT_OF_FILE, assert_refused_unread, other_h5
from nnscratch.datasets import (
    BUILTIN_DATASETS,
    DatasetError,
    Preprocessor,
    load_builtin,
    load_csv,
    load_dataset,
    load_flower,
    load_hdf5,
    load_image_folder,
    load_train_test,
    read_csv_features,
    read_image,
    train_test_split,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CAT_TRAIN = DATA / "catvnoncat" / "train_catvnoncat.h5"
CAT_TEST = DATA / "catvnoncat" / "test_catvnoncat.h5"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"missing ../shared/data/{path.relative_to(DATA)}")
    return path


# --------------------------------------------------------------------------- built-in sets


def _course_load_planar_dataset():
    """The course's planar_utils.load_planar_dataset, verbatim (global legacy seed)."""
    np.random.seed(1)
    m = 400
    N = int(m / 2)
    D = 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    a = 4
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def test_flower_is_the_course_planar_dataset_exactly():
    saved = np.random.get_state()
    try:
        X_course, Y_course = _course_load_planar_dataset()
    finally:
        np.random.set_state(saved)
    X, y = load_flower()
    np.testing.assert_array_equal(X, X_course.T)
    np.testing.assert_array_equal(y, Y_course.ravel())
    assert X.shape == (400, 2) and np.bincount(y).tolist() == [200, 200]


def test_flower_leaves_the_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand(3)
    np.random.seed(123)
    load_flower()
    np.testing.assert_array_equal(np.random.rand(3), expected)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"seed": -1}, r"seed must be a whole number from 0 to 2\*\*32 - 1, got -1"),
    ({"seed": 2**32}, r"seed must be .* got 4294967296"),
    ({"seed": 1.5}, r"seed must be .* got 1.5"),
    ({"m": -3}, r"m must be a whole number of points >= 2, got -3"),
    ({"m": 0}, r"m must be .* got 0"),
])
def test_flower_names_a_bad_seed_or_size(kwargs, fragment):
    # seed=-1 said NumPy's "Seed must be between 0 and 2**32 - 1", m=-3 "negative
    # dimensions are not allowed": neither named the argument
    with pytest.raises(ValueError, match=r"^load_flower: " + fragment + "$"):
        load_flower(**kwargs)


def test_chunk_orders_names_a_negative_seed():
    from nnscratch.streaming import chunk_orders

    with pytest.raises(ValueError, match=r"^seed must be an integer >= 0, a Generator or "
                                         r"None, got -1$"):
        chunk_orders(3, 2, seed=-1)
    np.testing.assert_array_equal(chunk_orders(3, 1, seed=np.random.default_rng(0))[0],
                                  np.random.default_rng(0).permutation(3))


@pytest.mark.parametrize(
    "name, n_samples, n_features, n_classes",
    [
        ("flower", 400, 2, 2),
        ("moons", 400, 2, 2),
        ("circles", 400, 2, 2),
        ("breast-cancer", 569, 30, 2),
        ("digits", 1797, 64, 10),
    ],
)
def test_builtin_sets(name, n_samples, n_features, n_classes):
    data = load_dataset(name)
    assert data.X.shape == (n_samples, n_features)
    assert data.X.dtype == np.float64
    assert data.y.dtype == np.int64
    assert sorted(np.unique(data.y).tolist()) == list(range(n_classes))
    assert len(data.class_names) == n_classes
    assert data.kind == "tabular" and len(data.preprocessor.columns) == n_features
    again = load_dataset(name)
    np.testing.assert_array_equal(again.X, data.X)


@pytest.mark.parametrize("name", ["flower", "moons", "circles"])
def test_2d_builtin_sets_stay_unscaled(name):
    data = load_builtin(name)
    np.testing.assert_array_equal(data.X, data.raw)


@pytest.mark.parametrize("name", ["breast-cancer", "digits"])
def test_split_standardises_with_the_training_part_only(name):
    train, test = load_train_test(name)
    assert train.n_samples + test.n_samples == load_builtin(name).n_samples
    np.testing.assert_allclose(train.X.mean(axis=0), 0.0, atol=1e-12)
    std = train.X.std(axis=0)
    constant = np.asarray(train.preprocessor.std) == 1.0
    np.testing.assert_allclose(std[~constant], 1.0, rtol=1e-12)
    # the test part uses the training statistics, not its own
    np.testing.assert_allclose(
        test.X, (test.raw - np.asarray(train.preprocessor.mean)) / train.preprocessor.std
    )
    assert test.preprocessor == train.preprocessor


def test_split_is_fixed_and_stratified():
    data = load_builtin("flower")
    train1, test1 = train_test_split(data)
    train2, test2 = train_test_split(data)
    np.testing.assert_array_equal(train1.X, train2.X)
    np.testing.assert_array_equal(test1.y, test2.y)
    assert (train1.n_samples, test1.n_samples) == (300, 100)
    assert np.bincount(test1.y).tolist() == [50, 50]
    assert set(train1.names).isdisjoint(test1.names)


def test_unknown_builtin_name_lists_the_choices():
    with pytest.raises(DatasetError, match="not a built-in data set.*flower"):
        load_dataset("petals")


# --------------------------------------------------------------------------- HDF5


def test_cat_hdf5_is_flattened_and_divided_by_255():
    train = load_hdf5(_need(CAT_TRAIN))
    with h5py.File(CAT_TRAIN, "r") as f:
        x = f["train_set_x"][()]
        y = f["train_set_y"][()]
    assert train.X.shape == (209, 12288)
    np.testing.assert_array_equal(train.X, x.reshape(209, -1) / 255.0)
    np.testing.assert_array_equal(train.y, y)
    np.testing.assert_array_equal(train.raw, x)
    assert train.class_names == ["non-cat", "cat"]
    assert int(train.y.sum()) == 72
    assert train.preprocessor.to_dict() == {"kind": "image", "size": 64}


def test_cat_test_file_with_the_training_preprocessing():
    train, test = load_train_test(_need(CAT_TRAIN), _need(CAT_TEST))
    assert test.X.shape == (50, 12288) and int(test.y.sum()) == 33
    assert test.class_names == train.class_names


def _write_h5(path, x, y, classes=None, prefix="train"):
    with h5py.File(path, "w") as f:
        f[f"{prefix}_set_x"] = x
        f[f"{prefix}_set_y"] = y
        if classes is not None:
            f["list_classes"] = classes
    return path


def test_hdf5_resizes_row_labels_and_bytes_names(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(6, 10, 12, 3), dtype=np.uint8)
    y = np.array([[0, 1, 1, 0, 1, 0]])  # (1, n), like the course's reshaped labels
    path = _write_h5(tmp_path / "d.h5", x, y, np.array([b"dog", b"cat"]))
    data = load_dataset(path, image_size=8)
    assert data.X.shape == (6, 8 * 8 * 3)
    assert data.class_names == ["dog", "cat"]
    np.testing.assert_array_equal(data.y, y.ravel())
    assert 0.0 <= data.X.min() and data.X.max() <= 1.0


@pytest.mark.parametrize(
    "keys, message",
    [
        ({"a_set_x": np.zeros((2, 4, 4, 3), np.uint8)}, "one '\\*_set_x' and one"),
        ({"a_set_x": np.zeros((2, 4, 4, 3), np.uint8), "a_set_y": np.array([0, 1, 1])},
         "2 pictures but 3 labels"),
        ({"a_set_x": np.zeros((2, 4, 4, 3), np.uint8), "a_set_y": np.array([0, 2]),
          "list_classes": np.array([b"a", b"b"])}, "has no name"),
        ({"a_set_x": np.zeros((2, 4, 4, 7), np.uint8), "a_set_y": np.array([0, 1])},
         "pictures must have shape"),
    ],
)
def test_hdf5_bad_layouts(tmp_path, keys, message):
    path = tmp_path / "bad.h5"
    with h5py.File(path, "w") as f:
        for k, v in keys.items():
            f[k] = v
    with pytest.raises(DatasetError, match=message):
        load_hdf5(path, image_size=4)


def test_hdf5_that_is_not_hdf5(tmp_path):
    path = tmp_path / "fake.h5"
    path.write_bytes(b"not an hdf5 file at all")
    with pytest.raises(DatasetError, match=r"fake\.h5: is not an HDF5 file \(its first bytes"):
        load_dataset(path)


# --------------------------------------------------------------------------- pictures


def _img(rng, size, mode):
    w, h = size
    if mode == "L":
        return Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8), "L")
    if mode == "RGBA":
        return Image.fromarray(rng.integers(0, 256, (h, w, 4), dtype=np.uint8), "RGBA")
    rgb = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")
    return rgb.convert("P") if mode == "P" else rgb


@pytest.mark.parametrize(
    "name, size, mode",
    [
        ("a.png", (64, 64), "RGB"),
        ("b.jpg", (64, 64), "RGB"),
        ("c.png", (31, 47), "L"),
        ("d.png", (100, 20), "RGBA"),
        ("e.gif", (64, 64), "P"),
        ("f.jpeg", (200, 150), "L"),
    ],
)
def test_read_image_any_mode_and_size(tmp_path, name, size, mode):
    rng = np.random.default_rng(1)
    path = tmp_path / name
    _img(rng, size, mode).save(path)
    pixels = read_image(path, 64)
    assert pixels.shape == (64, 64, 3) and pixels.dtype == np.uint8


def test_read_image_keeps_exact_pixels_at_the_right_size(tmp_path):
    rng = np.random.default_rng(2)
    arr = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(arr).save(tmp_path / "x.png")
    np.testing.assert_array_equal(read_image(tmp_path / "x.png", 64), arr)


def test_read_image_grayscale_becomes_three_equal_channels(tmp_path):
    arr = np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) % 256
    Image.fromarray(arr.astype(np.uint8), "L").save(tmp_path / "g.png")
    pixels = read_image(tmp_path / "g.png", 64)
    for c in range(3):
        np.testing.assert_array_equal(pixels[..., c], arr)


def test_read_image_transparent_pixels_become_white(tmp_path):
    arr = np.zeros((8, 8, 4), dtype=np.uint8)
    arr[..., 0] = 200
    arr[:4, :, 3] = 255  # top half opaque red-ish, bottom half fully transparent
    Image.fromarray(arr, "RGBA").save(tmp_path / "t.png")
    pixels = read_image(tmp_path / "t.png", 8)
    np.testing.assert_array_equal(pixels[:4, :, :], np.broadcast_to([200, 0, 0], (4, 8, 3)))
    np.testing.assert_array_equal(pixels[4:], 255)


@pytest.mark.parametrize(
    "content, message",
    [(b"this is not a picture", "not a picture"), (None, "no such file")],
)
def test_read_image_errors(tmp_path, content, message):
    path = tmp_path / "bad.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetError, match=message):
        read_image(path, 64)


def test_read_image_truncated_png(tmp_path):
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="t.png"):
        read_image(tmp_path / "t.png", 64)


def _write_folder(root: Path, counts: dict[str, int], size=(16, 16), seed=0):
    rng = np.random.default_rng(seed)
    for cls, n in counts.items():
        (root / cls).mkdir(parents=True)
        for i in range(n):
            _img(rng, size, "RGB").save(root / cls / f"{i:03d}.png")
    return root


def test_image_folder_classes_are_sorted_sub_folders(tmp_path):
    root = _write_folder(tmp_path / "pics", {"zebra": 2, "ant": 3})
    (root / "ant" / "notes.txt").write_text("ignored: not a picture")
    data = load_image_folder(root, image_size=16)
    assert data.class_names == ["ant", "zebra"]
    assert data.y.tolist() == [0, 0, 0, 1, 1]
    assert data.X.shape == (5, 16 * 16 * 3)
    assert data.names[0] == str(Path("ant") / "000.png")
    np.testing.assert_array_equal(
        data.raw[0], np.asarray(Image.open(root / "ant" / "000.png").convert("RGB"))
    )


def test_image_folder_test_part_uses_the_model_classes(tmp_path):
    _write_folder(tmp_path / "train", {"a": 2, "b": 2})
    _write_folder(tmp_path / "test", {"b": 2}, seed=1)
    train, test = load_train_test(tmp_path / "train", tmp_path / "test", image_size=16)
    assert test.y.tolist() == [1, 1]
    _write_folder(tmp_path / "other", {"c": 1}, seed=2)
    with pytest.raises(DatasetError, match="not classes of the model"):
        load_dataset(tmp_path / "other", preprocessor=train.preprocessor,
                     class_names=train.class_names)


def test_image_folder_errors(tmp_path):
    (tmp_path / "flat").mkdir()
    with pytest.raises(DatasetError, match="no sub-folders"):
        load_image_folder(tmp_path / "flat")
    (tmp_path / "flat" / "empty").mkdir()
    with pytest.raises(DatasetError, match="holds no pictures"):
        load_image_folder(tmp_path / "flat")
    root = _write_folder(tmp_path / "broken", {"a": 1, "b": 1})
    (root / "a" / "zz.png").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="zz.png"):
        load_image_folder(root, image_size=16)


# --------------------------------------------------------------------------- CSV


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_csv_label_is_the_last_column_by_default(tmp_path):
    path = _write_csv(tmp_path / "d.csv", "a,b,label\n1,10,yes\n3,10,no\n5,10,yes\n")
    data = load_csv(path)
    assert data.class_names == ["no", "yes"]
    assert data.y.tolist() == [1, 0, 1]
    assert data.preprocessor.columns == ("a", "b")
    np.testing.assert_allclose(data.X[:, 0], [-1.224744871391589, 0.0, 1.224744871391589])
    np.testing.assert_array_equal(data.X[:, 1], 0.0)  # constant column: std 1
    assert data.preprocessor.std[1] == 1.0


def test_csv_label_column_by_name_and_numeric_labels(tmp_path):
    path = _write_csv(tmp_path / "d.csv", "kind,x,y\n10,1.5,2\n2,0.5,1\n10,1,0\n")
    data = load_dataset(path, label_column="kind")
    assert data.class_names == ["2", "10"]  # numeric order, not string order
    assert data.y.tolist() == [1, 0, 1]
    assert data.preprocessor.columns == ("x", "y")


@pytest.mark.parametrize(
    "text, kwargs, message",
    [
        ("a,b\n1,x\n", {"label_column": "c"}, r"no column 'c'; the columns are a, b"),
        ("a,b,label\n1,oops,0\n2,3,1\n", {}, r"row 1, column 'b': 'oops' is not a number"),
        ("a,label\n1,0\n2\n", {}, "row 2 has 1 values"),
        ("a,label\n", {}, "no rows"),
        ("", {}, "is empty"),
        ("a,a,label\n1,2,0\n", {}, "names a column twice"),
        ("a,label\nnan,0\n1,1\n", {}, "not a finite number"),
        ("label\n0\n1\n", {}, "no feature columns"),
    ],
)
def test_csv_errors(tmp_path, text, kwargs, message):
    path = _write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(DatasetError, match=message):
        load_csv(path, **kwargs)


@pytest.mark.parametrize("header, row", [
    (["a", "b", "c", "d", "e", "f", "label"], [" 1.5", "1_000", "+2", "-0", "1e-3", "7 ", "x"]),
    (["a", "label"], ["3.25", "y"]),
])
def test_csv_numbers_are_read_as_pythons_float_reads_them(tmp_path, header, row):
    """The row-by-row reading of a plain file (a C loop through float) and the cell-by-
    cell one give the same values, whitespace, signs, underscores and exponents
    included."""
    from nnscratch import datasets

    rows = [row, [c.replace("1", "2") for c in row]]
    columns = header[:-1]
    expected = [[float(c) for c in r[:-1]] for r in rows]
    path = _write_csv(tmp_path / "d.csv", "\n".join(",".join(r) for r in [header, *rows]))
    np.testing.assert_array_equal(load_csv(path).raw, expected)
    np.testing.assert_array_equal(datasets._parse_numbers(path, header, rows, columns),
                                  expected)


@pytest.mark.parametrize("cell, message", [
    ("oops", r"row 300, column 'b': 'oops' is not a number"),
    ("NA", r"row 300, column 'b': 'NA' is not a number but a missing value"),
    ("inf", r"row 300, column 'b': 'inf' is not a finite number"),
    ("1e200", r"row 300, column 'b': '1e200' is too large"),
])
def test_one_bad_cell_among_many_good_ones_is_named(tmp_path, cell, message):
    lines = ["a,b,label"] + [f"{i},{i / 7},{i % 2}" for i in range(299)] + [f"1,{cell},0"]
    path = _write_csv(tmp_path / "d.csv", "\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=message):
        load_csv(path)


@pytest.mark.parametrize("text", [
    "a,b,label\n1.5,2,x\n\n3, 4.25 ,y\n,,\n-1e3,1_0,x\n",  # blank lines, spaces, _
    "\ufeff\"a\";\"b\";label\n1.5;2;x\n3;4.25;y\n",  # a BOM, quoted names, ';'
    "\n\nx,label\n1,a\n2,b\n",  # blank lines before the header
    "a;b;label\n1,5;2;x\n3;4,25;y\n-,5;1e3;x\n7,;0,5e2;y\n",  # decimal commas, ';'
    "a\tb\tlabel\n1,5\t2.5\tx\n3\t 4,25 \ty\n",  # and a tab, points and commas mixed
    "x;label\n1,5;a\n2;b\n",  # one feature column with a decimal comma
])
def test_plain_csv_files_are_read_row_by_row_as_the_whole_reading_reads_them(
        tmp_path, monkeypatch, text):
    """A plain file is read without holding its rows (_read_csv_lean); it must give what
    reading it whole gives (and warn the same), for training and for prediction."""
    import warnings

    from nnscratch import datasets

    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")

    def read():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = load_csv(path)
            raw, names = read_csv_features(path, data.preprocessor)
        return data, raw, names, [str(w.message) for w in caught]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert datasets._read_csv_lean(path, lambda header: ([0], None)) is not None
    lean = read()
    monkeypatch.setattr(datasets, "_read_csv_lean", lambda path, pick: None)
    whole = read()
    for a, b in ((lean[0], whole[0]),):
        np.testing.assert_array_equal(a.raw, b.raw)
        np.testing.assert_array_equal(a.X, b.X)
        assert a.y.tolist() == b.y.tolist() and a.class_names == b.class_names
        assert a.preprocessor.columns == b.preprocessor.columns
        assert a.names == b.names and a.source == b.source
    np.testing.assert_array_equal(lean[1], whole[1])
    assert lean[2] == whole[2] and lean[3] == whole[3]


@pytest.mark.parametrize("separator, point", [(",", "."), (";", ",")],
                         ids=["commas", "semicolons-and-decimal-commas"])
def test_a_plain_csv_file_is_never_held_as_rows(tmp_path, monkeypatch, separator, point):
    from nnscratch import datasets

    path = _write_csv(tmp_path / "d.csv", f"a{separator}b{separator}label\n" + "".join(
        f"{i}{separator}{str(i / 3).replace('.', point)}{separator}{'xy'[i % 2]}\n"
        for i in range(50)))

    def whole(path):
        raise AssertionError("read whole")

    monkeypatch.setattr(datasets, "_read_csv_rows", whole)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_csv(path)
        assert data.raw.shape == (50, 2) and data.class_names == ["x", "y"]
        raw, names = read_csv_features(path, data.preprocessor)
        assert raw.shape == (50, 2) and names[-1].endswith(":row 50")
    np.testing.assert_array_equal(raw[:, 1], np.arange(50) / 3)
    said = [str(w.message) for w in caught]
    assert said == ([] if separator == "," else [
        f"{path}: read as a CSV file separated by ';' with decimal commas (50 values like "
        "1,5 read as 1.5)"] * 2)


def test_text_in_a_file_to_predict_does_not_point_to_a_label_option(tmp_path):
    """read_csv_features (prediction: the model's columns, no labels) said 'choose the
    label with --label-column', an option predict does not have."""
    train = load_csv(_write_csv(tmp_path / "t.csv", "a,label\n1,x\n2,y\n"))
    path = _write_csv(tmp_path / "p.csv", "a\n1\nzz\n")
    with pytest.raises(DatasetError) as error:
        read_csv_features(path, train.preprocessor)
    assert str(error.value) == (f"{path}: row 2, column 'a': 'zz' is not a number; features "
                                "must be numeric")


def test_csv_test_file_uses_training_columns_and_statistics(tmp_path):
    train = load_csv(_write_csv(tmp_path / "train.csv", "a,b,y\n0,0,u\n2,4,v\n4,8,u\n"))
    # other column order, an extra column, the label absent
    raw, names = read_csv_features(
        _write_csv(tmp_path / "new.csv", "extra,b,a\n9,4,2\n9,0,0\n"), train.preprocessor
    )
    np.testing.assert_array_equal(raw, [[2, 4], [0, 0]])
    assert names == [f"{tmp_path / 'new.csv'}:row 1", f"{tmp_path / 'new.csv'}:row 2"]
    X = train.preprocessor.transform(raw)
    np.testing.assert_allclose(X[0], [0.0, 0.0])
    with pytest.raises(DatasetError, match=r"lacks the model's feature columns \['a'\]"):
        read_csv_features(_write_csv(tmp_path / "x.csv", "b\n1\n"), train.preprocessor)


# --------------------------------------------------------------------------- preprocessor


@pytest.mark.parametrize(
    "prep",
    [
        Preprocessor.image(64),
        Preprocessor.image(8),
        Preprocessor(kind="tabular", columns=("a", "b"), mean=(1.0, -2.0), std=(0.5, 3.0)),
    ],
)
def test_preprocessor_round_trip(prep):
    assert Preprocessor.from_dict(prep.to_dict()) == prep


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "image", "size": 0},
        {"kind": "image", "size": "64"},
        {"kind": "image", "size": True},
        {"kind": "image", "size": 64, "code": "import os"},
        {"kind": "pickle"},
        {"kind": "tabular", "columns": ["a"], "mean": [0.0], "std": [0.0]},
        {"kind": "tabular", "columns": ["a"], "mean": [0.0, 1.0], "std": [1.0]},
        {"kind": "tabular", "columns": [1], "mean": [0.0], "std": [1.0]},
        {"kind": "tabular", "columns": ["a"], "mean": [float("nan")], "std": [1.0]},
        ["kind", "image"],
    ],
)
def test_preprocessor_rejects_bad_descriptions(data):
    with pytest.raises(DatasetError):
        Preprocessor.from_dict(data)


def test_a_column_named_twice_in_a_model_file_is_refused():
    # an edited model file's columns ["a", "b", "a"] loaded; a CSV's columns are found
    # by name, so which "a" it meant was a guess
    data = {"kind": "tabular", "columns": ["a", "b", "a"], "mean": [0.0] * 3, "std": [1.0] * 3}
    with pytest.raises(DatasetError, match="names the column 'a' twice"):
        Preprocessor.from_dict(data)


def test_preprocessor_kind_mismatch(tmp_path):
    prep = Preprocessor.image(8)
    with pytest.raises(DatasetError, match="trained on pictures"):
        prep.transform_tabular(np.zeros((1, 2)))
    with pytest.raises(DatasetError, match="shape"):
        prep.transform_images(np.zeros((1, 4, 4, 3), np.uint8))


@pytest.mark.parametrize("spec, message", [
    ("nothing-here.h5", "no such file"),
    ("nothing-here.csv", "no such file"),
    ("nothing-here", "no such file or folder"),
])
def test_load_dataset_missing(tmp_path, spec, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(tmp_path / spec)


def test_load_dataset_unknown_format(tmp_path):
    (tmp_path / "data.parquet").write_bytes(b"PAR1")
    with pytest.raises(DatasetError, match="unknown data format"):
        load_dataset(tmp_path / "data.parquet")


def test_builtin_names_are_documented():
    assert set(BUILTIN_DATASETS) == {"flower", "moons", "circles", "breast-cancer", "digits"}


def test_hdf5_labels_are_matched_to_the_model_classes_by_name(tmp_path):
    x = np.zeros((3, 4, 4, 3), np.uint8)
    path = _write_h5(tmp_path / "d.h5", x, np.array([0, 1, 1]), np.array([b"dog", b"cat"]))
    data = load_hdf5(path, image_size=4, class_names=["cat", "dog"])
    assert data.class_names == ["cat", "dog"]
    assert data.y.tolist() == [1, 0, 0]
    with pytest.raises(DatasetError, match=r"\['dog'\] are not classes of the model"):
        load_hdf5(path, image_size=4, class_names=["cat", "bird"])


# --------------------------------------------------------------------------- messages in words


def _one_line_refusal(call, *args, **kwargs) -> str:
    """The message of the DatasetError that ``call`` raises, checked to be one line in
    our words (none of h5py's, HDF5's, scikit-learn's or Python's)."""
    with pytest.raises(DatasetError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message, message
    for internal in ("Unable to", "signature not found", "could not convert", "b'",
                     "SVMlight/LibSVM", "Feature indices", "Error"):
        assert internal not in message, message
    return message


@pytest.mark.parametrize("content, why", [
    (b"", "it is empty"),
    (b"a,b,y\n1,2,0\n", "its first bytes are not HDF5's signature"),
])
def test_a_file_that_is_no_hdf5_file_says_so_in_words(tmp_path, content, why):
    from hostile import assert_refused, run_cli
    from nnscratch.streaming import open_chunks

    (tmp_path / "d.h5").write_bytes(content)
    expected = (f"d.h5: is not an HDF5 file ({why}); give a file written with h5py (an "
                ".h5/.hdf5 file), or give the file a name ending as its real format does "
                "(.csv, .svm, ...)")
    assert _one_line_refusal(load_dataset, tmp_path / "d.h5") == f"{tmp_path}/{expected}"
    assert _one_line_refusal(open_chunks, tmp_path / "d.h5") == f"{tmp_path}/{expected}"
    for stream in ((), ("--stream",)):
        line = assert_refused(run_cli(["train", "d.h5", *stream, "-o", "m.npz"], tmp_path))
        assert line == f"nnscratch: error: {expected}"
    assert not (tmp_path / "m.npz").exists()


def test_a_damaged_or_locked_hdf5_file_says_so_in_words(tmp_path):
    from nnscratch.datasets import _hdf5_open_failure

    good = _write_h5(tmp_path / "good.h5", np.zeros((4, 4, 4, 3), np.uint8),
                     np.array([0, 1, 0, 1]), np.array([b"a", b"b"]))
    data = good.read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[: len(data) // 2])
    assert _one_line_refusal(load_hdf5, tmp_path / "cut.h5") == (
        f"{tmp_path}/cut.h5: not a readable HDF5 file: it is cut short (truncated), as by "
        "an interrupted copy or download; copy or write it again")
    (tmp_path / "bad.h5").write_bytes(data[:8] + bytes(range(256)) * 8)
    assert _one_line_refusal(load_hdf5, tmp_path / "bad.h5") == (
        f"{tmp_path}/bad.h5: not a readable HDF5 file: it starts as one but is damaged; "
        "copy or write it again")
    # another process writing the file: HDF5 refuses it with errno 11 (EAGAIN)
    locked = OSError("Unable to synchronously open file (unable to lock file, errno = 11, "
                     "error message = 'Resource temporarily unavailable')")
    assert _hdf5_open_failure(good, locked) == (
        f"{good}: not a readable HDF5 file now: another program holds it open for writing "
        "(HDF5 locks it); close it there (f.close() in h5py) and try again")


def test_an_hdf5_file_of_other_datasets_names_both_layouts(tmp_path):
    path = tmp_path / "wrongkeys.h5"
    with h5py.File(path, "w") as f:
        f["features"] = np.zeros((3, 2))
        f["labels"] = np.zeros(3)
    assert _one_line_refusal(load_dataset, path) == (
        f"{path}: expected datasets 'X' (examples x features) and 'y', or one '*_set_x' and "
        "one '*_set_y' (the course's layout); found ['features', 'labels']; rename the "
        "datasets to one of these layouts")


_SVM_FORM = "each line must be 'LABEL INDEX:VALUE ...' (e.g. '1 3:0.5 7:1.2')"
_SVM_ORDER = "write each line's INDEX:VALUE pairs in increasing order of INDEX, each index once"


@pytest.mark.parametrize("text, fault", [
    ("1 1:0.5\ngarbage\n", "line 2, 'garbage': the label is not a number (labels are "
                           f"numbers such as -1 and 1, or 0, 1, 2, ...); {_SVM_FORM}"),
    ("1 1:0.5  # a comment\n\n-1 2:1 3\n", f"line 3, '3' is not INDEX:VALUE; {_SVM_FORM}"),
    ("1 1:0.5\n-1 2:x\n", f"line 2, '2:x': the value is not a number; {_SVM_FORM}"),
    ("1 1.5:1\n", f"line 1, '1.5:1': the index is not a whole number; {_SVM_FORM}"),
    ("1 1:1\n-1 3:1 1:2\n", f"line 2, '1:2': the indices are not increasing (3, then 1); "
                            f"{_SVM_ORDER}"),
    ("1 1:1\n-1 qid:4 2:1 2:5\n", f"line 2, '2:5': the index 2 appears twice; {_SVM_ORDER}"),
    ("1 1:1\n-1 -2:1\n", "line 2, '-2:1': the index is negative; number the features from 1 "
                         "(or from 0)"),
])
def test_a_bad_svmlight_line_is_named_in_words(tmp_path, text, fault):
    from hostile import assert_refused, run_cli
    from nnscratch.datasets import load_svmlight

    (tmp_path / "bad.svm").write_text(text)
    expected = f"bad.svm: not a readable svmlight/libsvm file: {fault}"
    assert _one_line_refusal(load_svmlight, tmp_path / "bad.svm") == f"{tmp_path}/{expected}"
    line = assert_refused(run_cli(["train", "bad.svm", "-o", "m.npz"], tmp_path))
    assert line == f"nnscratch: error: {expected}"


def test_an_index_0_for_a_model_that_numbers_from_1_is_named(tmp_path):
    from nnscratch.datasets import read_svmlight_features

    (tmp_path / "zero.svm").write_text("1 2:1\n1 0:1\n")
    prep = Preprocessor.svmlight(4, False)
    assert _one_line_refusal(read_svmlight_features, tmp_path / "zero.svm", prep) == (
        f"{tmp_path}/zero.svm: not a readable svmlight/libsvm file: line 2, '0:1': index 0, "
        "but the model's training file numbers the features from 1; number them as it does")


_UNBLOCKER = """
import os, sys, time
while True:
    time.sleep(10)
    try:
        os.close(os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK))
        print("opened", flush=True)
    except OSError:  # no reader: nothing waits on it
        pass
"""


def _never_blocked(fifo: Path):
    """A guard for a test that reads ``fifo``: were it opened for reading (which waits for
    a writer), another process opens it for writing every 10 s, so that the test ends
    (and fails: the process's output says "opened"). A process, not a thread: h5py holds
    the interpreter while it opens a file."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", _UNBLOCKER, str(fifo)],
                            stdout=subprocess.PIPE, text=True)


@pytest.mark.parametrize("name", ["ff.csv", "ff.svm", "ff.h5", "ff.png", "ff.data", "ff.txt"])
def test_a_named_pipe_is_refused_without_opening_it(tmp_path, name):
    import os

    from hostile import assert_refused, run_cli
    from nnscratch.streaming import open_chunks

    fifo = tmp_path / name
    os.mkfifo(fifo)
    expected = (f"{name}: is not a regular file (a named pipe); save the data in a file and "
                "give that file")
    guard = _never_blocked(fifo)
    try:
        if name == "ff.png":
            assert _one_line_refusal(read_image, fifo, 8) == f"{tmp_path}/{expected}"
        elif name == "ff.txt":  # a text model's input, read by predict
            from nnscratch.text import read_text

            assert _one_line_refusal(read_text, fifo) == (
                f"{tmp_path}/{name}: is not a regular file (a named pipe); save the text in "
                "a file and give that file")
        else:
            assert _one_line_refusal(load_dataset, fifo) == f"{tmp_path}/{expected}"
        if name == "ff.h5":
            assert _one_line_refusal(open_chunks, fifo) == f"{tmp_path}/{expected}"
        if name in ("ff.csv", "ff.svm", "ff.h5"):  # .h5: the command's own look inside
            line = assert_refused(run_cli(["train", name, "-o", "m.npz"], tmp_path))
            assert line == f"nnscratch: error: {expected}"
    finally:
        guard.kill()
    assert "opened" not in guard.communicate()[0], f"{name} was opened"


def test_a_device_is_refused_as_no_regular_file():
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    assert _one_line_refusal(load_dataset, "/dev/null") == (
        "/dev/null: is not a regular file (a device); save the data in a file and give that "
        "file")


def test_an_h5_file_that_is_missing_or_not_pictures_is_said_so_for_a_table_model(tmp_path):
    # "missing.h5: holds pictures, but the model was trained on a table of 2 columns"
    # of a file that does not exist, is no HDF5 file or holds other datasets
    import h5py

    table = Preprocessor(kind="tabular", columns=("a", "b"), mean=(0.0, 0.0), std=(1.0, 1.0))
    (tmp_path / "fake.h5").write_text("x")
    with h5py.File(tmp_path / "odd.h5", "w") as f:
        f["q"] = np.zeros(3)
    with h5py.File(tmp_path / "course.h5", "w") as f:
        f["train_set_x"] = np.zeros((4, 8, 8, 3), np.uint8)
        f["train_set_y"] = np.array([0, 1, 0, 1])
    for name, words in [("missing.h5", "missing.h5: no such file"),
                        ("fake.h5", "fake.h5: is not an HDF5 file"),
                        ("odd.h5", "odd.h5: expected datasets 'X'"),
                        ("course.h5", "course.h5: holds pictures, but the model was trained "
                                      "on a table of 2 columns")]:
        with pytest.raises(DatasetError, match=re.escape(words)):
            load_hdf5(tmp_path / name, preprocessor=table)


def test_a_folder_of_text_files_without_class_folders_is_told_about_text(tmp_path):
    # "put the pictures of each class in its own sub-folder" of a folder of .txt files
    (tmp_path / "a.txt").write_text("free money")
    (tmp_path / "b.txt").write_text("lunch at noon")
    with pytest.raises(DatasetError, match=r"has no sub-folders; put the text files of each "
                                           r"class in its own sub-folder \(e\.g\. spam/, ham/\)"):
        load_dataset(tmp_path)
    (tmp_path / "a.txt").unlink()
    (tmp_path / "b.txt").rename(tmp_path / "b.png")
    with pytest.raises(DatasetError, match="put the pictures of each class"):
        load_dataset(tmp_path)


# ------------------------- HDF5 links and storage out of the file (nothing becomes a path)


def _course_parts():
    x = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    return {"train_set_x": x, "train_set_y": np.array([0, 1]),
            "list_classes": np.array([b"dog", b"cat"])}


@pytest.mark.parametrize("kind", sorted(OUT_OF_FILE))
@pytest.mark.parametrize("name", ["train_set_x", "train_set_y", "list_classes"])
@pytest.mark.parametrize("loader", [load_hdf5, load_dataset], ids=["load_hdf5",
                                                                   "load_dataset"])
def test_hdf5_data_kept_in_another_file_are_refused_unread(tmp_path, h5_reads, loader,
                                                            name, kind):
    """A crafted .h5 made the loader read any file of the machine by a path written in
    it: HDF5 external storage, an external link, a virtual dataset."""
    parts = _course_parts()
    value = parts.pop(name)
    path = tmp_path / "crafted.h5"
    other = other_h5(path, tmp_path, kind, name, value, parts)
    with pytest.raises(DatasetError) as info:
        loader(path, image_size=4)
    assert_refused_unread(str(info.value), path, name, kind, h5_reads, other)


@pytest.mark.parametrize("kind", sorted(OUT_OF_FILE))
def test_hdf5_classes_refuses_labels_kept_in_another_file(tmp_path, h5_reads, kind):
    from nnscratch.datasets import hdf5_classes

    parts = _course_parts()
    path = tmp_path / "crafted.h5"
    other = other_h5(path, tmp_path, kind, "train_set_y", parts.pop("train_set_y"), parts)
    with pytest.raises(DatasetError, match=re.escape(f"dataset 'train_set_y' "
                                                     f"{OUT_OF_FILE[kind]}, which")):
        hdf5_classes(path)
    assert not [r for r in h5_reads if r[0] == other.resolve() or r[1] is not None or r[2]]


def test_hdf5_soft_links_are_followed_within_the_file_only(tmp_path, h5_reads):
    """A soft link is a name inside the same file: followed, each step checked; one
    that passes through an external link is refused as the external link is."""
    parts = _course_parts()
    path = tmp_path / "soft.h5"
    with h5py.File(path, "w") as f:
        group = f.create_group("store")
        group["pictures"] = parts["train_set_x"]
        group["codes"] = parts["train_set_y"]
        group["labels"] = h5py.SoftLink("codes")  # relative: within the group
        f["train_set_x"] = h5py.SoftLink("/store/pictures")
        f["train_set_y"] = h5py.SoftLink("store/labels")
    data = load_hdf5(path, image_size=4)
    np.testing.assert_array_equal(data.raw, parts["train_set_x"])
    np.testing.assert_array_equal(data.y, [0, 1])

    crafted = tmp_path / "crafted.h5"
    other = other_h5(crafted, tmp_path, "link", "elsewhere", parts["train_set_x"],
                      {"train_set_y": parts["train_set_y"]})
    with h5py.File(crafted, "a") as f:
        f["train_set_x"] = h5py.SoftLink("/elsewhere")
    h5_reads.clear()
    with pytest.raises(DatasetError, match=re.escape(
            f"{crafted}: not a readable HDF5 file: dataset 'train_set_x' is a link to "
            "another file (an external link), which nnscratch does not follow")):
        load_hdf5(crafted, image_size=4)
    assert not [r for r in h5_reads if r[0] == other.resolve()]


def test_hdf5_cat_files_still_load_after_the_link_checks():
    data = load_hdf5(_need(CAT_TRAIN))
    assert data.X.shape == (209, 12288) and data.class_names == ["non-cat", "cat"]
