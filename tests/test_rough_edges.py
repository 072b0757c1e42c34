"""Issue 15's rough edges in the data loaders (items 3, 4, 5, 7, 12, 13), one test each.

The command-level view of the same inputs (exit code, one line on stderr) is in
``test_hostile.py``; these tests check the loaders' own behaviour and messages.
"""

import io
import re
import struct
import zlib
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from nnscratch import datasets
from nnscratch.datasets import (
    DatasetError,
    Preprocessor,
    load_csv,
    load_hdf5,
    load_image_folder,
    prediction_inputs,
    read_csv_features,
    read_image,
)

# --------------------------------------------------------------------------- helpers


def huge_png(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit grayscale PNG of width x height pixels, a few kilobytes on disk."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
                     + chunk(b"IEND", b""))
    return path


def write_h5(path: Path, x, y, classes=(b"non-cat", b"cat")) -> Path:
    with h5py.File(path, "w") as f:
        f["train_set_x"] = x
        f["train_set_y"] = y
        f["list_classes"] = np.array(classes)
    return path


def write_picture(path: Path, size=8, seed=0) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(path)
    return path


# --------------------------------------------------------------------------- item 4


@pytest.mark.parametrize("megapixels", [100, 200])
def test_item4_huge_picture_is_called_too_large_with_the_limit(tmp_path, megapixels):
    side = int((megapixels * 1e6) ** 0.5)
    path = huge_png(tmp_path / "huge.png", side, side)
    assert path.stat().st_size < 200_000  # a small file holding a huge picture
    with pytest.raises(DatasetError) as info:
        read_image(path, 64)
    text = str(info.value)
    assert "too large" in text and f"({side * side / 1e6:.0f} megapixels)" in text
    assert f"{Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels" in text
    assert "not a picture" not in text


def test_item4_picture_below_the_limit_is_read(tmp_path):
    path = huge_png(tmp_path / "big.png", 2000, 1000)
    assert read_image(path, 4).shape == (4, 4, 3)


# --------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e200", "1.7e308"])
def test_item5_values_that_overflow_the_statistics_are_refused_naming_file_and_column(
        tmp_path, value):
    path = tmp_path / "big.csv"
    path.write_text(f"a,b,label\n1,2,x\n3,{value},y\n5,6,x\n")
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    text = str(info.value)
    assert str(path) in text and "column 'b'" in text and "row 2" in text
    assert "too large" in text


def test_item5_large_but_safe_values_are_kept(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("a,label\n1e100,x\n-1e100,y\n3,x\n")
    data = load_csv(path)
    assert np.all(np.isfinite(data.X)) and np.all(np.isfinite(data.preprocessor.std))


def test_item5_prediction_rows_are_checked_too(tmp_path):
    prep = Preprocessor.fit_tabular(np.array([[1.0], [2.0]]), ["a"])
    path = tmp_path / "p.csv"
    path.write_text("a\n1e308\n")
    with pytest.raises(DatasetError, match="column 'a'.*too large"):
        read_csv_features(path, prep)


# --------------------------------------------------------------------------- item 7


def test_item7_float_pixels_in_0_1_are_not_divided_by_255_again(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    scaled = write_h5(tmp_path / "scaled.h5", pixels / 255.0, np.array([0, 1, 0, 1]))
    plain = write_h5(tmp_path / "plain.h5", pixels, np.array([0, 1, 0, 1]))
    with pytest.warns(UserWarning, match=r"float pixels in \[0, 1\].*multiplied by 255"):
        got = load_hdf5(scaled, image_size=8)
    want = load_hdf5(plain, image_size=8)
    np.testing.assert_array_equal(got.raw, want.raw)
    np.testing.assert_allclose(got.X, want.X)
    assert got.X.max() > 0.5  # not squashed into [0, 1/255]


def test_item7_float_pixels_in_0_255_are_rounded_not_truncated(tmp_path):
    x = np.full((2, 4, 4, 3), 200.0)
    x[0] = 99.7
    path = write_h5(tmp_path / "f.h5", x, np.array([0, 1]))
    with pytest.warns(UserWarning, match="rounded"):
        data = load_hdf5(path, image_size=4)
    assert data.raw[0, 0, 0, 0] == 100 and data.raw[1, 0, 0, 0] == 200


def test_item7_uint8_pixels_say_nothing(tmp_path, recwarn):
    x = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    load_hdf5(write_h5(tmp_path / "u.h5", x, np.array([0, 1])), image_size=4)
    assert not [w for w in recwarn if "pixels" in str(w.message)]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -0.5, 256.0, 1e308])
def test_item7_float_pixels_out_of_range_are_refused(tmp_path, bad):
    x = np.full((2, 4, 4, 3), 0.5)
    x[1, 1, 1, 1] = bad
    path = write_h5(tmp_path / "bad.h5", x, np.array([0, 1]))
    with pytest.raises(DatasetError, match="pixel values"):
        load_hdf5(path, image_size=4)


# --------------------------------------------------------------------------- item 12


def _folder(root: Path, n=3) -> Path:
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        for i in range(n):
            write_picture(root / name / f"{i}.png", seed=i)
    return root


def test_item12_progress_is_shown_on_a_terminal(tmp_path, monkeypatch):
    stream = io.StringIO()
    stream.isatty = lambda: True
    monkeypatch.setattr(datasets.sys, "stderr", stream)
    monkeypatch.setattr(datasets, "_PROGRESS_DELAY_TERMINAL", 0.0)
    data = load_image_folder(_folder(tmp_path / "pics"), image_size=8)
    assert data.n_samples == 6
    assert "reading pictures" in stream.getvalue() and "6/6" in stream.getvalue()


def test_item12_short_loads_are_silent_when_stderr_is_not_a_terminal(tmp_path, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(datasets.sys, "stderr", stream)
    load_image_folder(_folder(tmp_path / "pics"), image_size=8)
    assert stream.getvalue() == ""


def test_item12_long_loads_show_progress_even_in_a_log(tmp_path, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(datasets.sys, "stderr", stream)
    monkeypatch.setattr(datasets, "_PROGRESS_DELAY_LOG", 0.0)
    load_image_folder(_folder(tmp_path / "pics"), image_size=8)
    text = stream.getvalue()
    assert "reading pictures" in text and "\r" not in text.replace("\r\n", "\n")


# --------------------------------------------------------------------------- item 13


@pytest.mark.parametrize("text, delimiter", [
    ("a;b;label\n1.5;2;x\n3;4.25;y\n", ";"),
    ("a\tb\tlabel\n1.5\t2\tx\n3\t4.25\ty\n", "tab"),
    ("a|b|label\n1.5|2|x\n3|4.25|y\n", "|"),
])
def test_item13_other_separators_are_detected_and_said(tmp_path, text, delimiter):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.warns(UserWarning, match=f"separated by '{delimiter}'"):
        data = load_csv(path)
    np.testing.assert_array_equal(data.raw, [[1.5, 2.0], [3.0, 4.25]])
    assert data.preprocessor.columns == ("a", "b") and data.class_names == ["x", "y"]


def test_item13_decimal_commas_with_semicolons_are_read(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("a;b;label\n1,5;-2;x\n3;4,25;y\n1e3;0,5;x\n")
    with pytest.warns(UserWarning, match="decimal commas"):
        data = load_csv(path)
    np.testing.assert_array_equal(data.raw, [[1.5, -2.0], [3.0, 4.25], [1000.0, 0.5]])


@pytest.mark.parametrize("cells, said", [("1,5;2", "(1 value like 1,5 read as 1.5)"),
                                         ("1,5;2,5", "(2 values like 1,5 read as 1.5)")])
def test_decimal_comma_warning_counts_in_plain_words(tmp_path, cells, said):
    path = tmp_path / "eu.csv"
    path.write_text(f"a;b;label\n{cells};x\n3;4;y\n")
    with pytest.warns(UserWarning, match=re.escape(said)):
        load_csv(path)


def test_item13_decimal_comma_in_a_comma_file_says_what_to_do(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a,label\n"1,5",x\n2,y\n')
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    assert "decimal comma" in str(info.value) and "1.5" in str(info.value)


def test_item13_mixed_separators_say_what_was_found(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a;b,label\n1;2,x\n3;4,y\n")
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    assert "';'" in str(info.value)


def test_item13_comma_files_and_single_columns_stay_silent(tmp_path, recwarn):
    path = tmp_path / "c.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,y\n")
    assert load_csv(path).raw.shape == (2, 2)
    one = tmp_path / "one.csv"
    one.write_text("a\n1\n2\n")
    prep = Preprocessor.fit_tabular(np.array([[1.0], [2.0]]), ["a"])
    raw, _ = read_csv_features(one, prep)
    assert raw.shape == (2, 1)
    assert not [w for w in recwarn if "separated" in str(w.message)]


# --------------------------------------------------------------------------- item 3


def test_item3_a_folder_of_class_sub_folders_stands_for_their_pictures(tmp_path):
    root = _folder(tmp_path / "labelled", n=2)
    (root / "notes.txt").write_text("not a picture")
    got = prediction_inputs([str(root)], "image")
    assert got == [str(root / c / f"{i}.png") for c in ("a", "b") for i in range(2)]


def test_item3_pictures_directly_inside_a_folder_come_first_and_alone(tmp_path):
    root = _folder(tmp_path / "mixed", n=1)
    write_picture(root / "top.png")
    assert prediction_inputs([str(root)], "image") == [str(root / "top.png")]


def test_item3_files_and_csv_folders(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "x.csv").write_text("a\n1\n")
    assert prediction_inputs(["p.png", str(tmp_path / "t")], "tabular") == [
        "p.png", str(tmp_path / "t" / "x.csv")]


def test_item3_an_empty_folder_is_kept_and_reported_as_empty(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert prediction_inputs([str(empty)], "image") == [str(empty)]
    with pytest.raises(DatasetError) as info:
        read_image(empty, 64)
    assert "holds no pictures" in str(info.value)
    assert "is a folder, not a picture" not in str(info.value)
    prep = Preprocessor.fit_tabular(np.array([[1.0], [2.0]]), ["a"])
    with pytest.raises(DatasetError, match="holds no CSV files"):
        read_csv_features(empty, prep)


def test_item3_read_image_on_a_class_folder_says_what_to_give(tmp_path):
    root = _folder(tmp_path / "labelled", n=1)
    with pytest.raises(DatasetError) as info:
        read_image(root, 64)
    text = str(info.value)
    assert "class sub-folders (a/, b/)" in text and "evaluate" in text


# --------------------------------------------------------------------------- found by the fuzzer


@pytest.mark.parametrize("value", [10**400, -(10**309)])
def test_preprocessing_statistics_beyond_float_range_are_refused_not_overflowed(value):
    data = {"kind": "tabular", "columns": ["a", "b"], "mean": [0, 0], "std": [1, 1]}
    data["std"][1] = value
    with pytest.raises(DatasetError, match="'std' must be 2 finite numbers"):
        Preprocessor.from_dict(data)
    data["std"][1], data["mean"][0] = 1, value
    with pytest.raises(DatasetError, match="'mean' must be 2 finite numbers"):
        Preprocessor.from_dict(data)
