"""Pictures and stored preprocessing (audit): damaged EXIF data, colour-key
transparency, the pixel values and table columns given to ``Preprocessor.transform``,
and an unscaled table's preprocessing kept through a model file."""

import contextlib
import io
import json
import struct

import numpy as np
import pytest
from PIL import Image

from nnscratch.cli import run
from nnscratch.datasets import load_builtin, load_image_folder, read_image
from nnscratch.estimators import LogisticRegression
from nnscratch.exceptions import DatasetError
from nnscratch.persistence import load_bundle, save
from nnscratch.preprocessing import Preprocessor
from nnscratch.search import FoldPreprocessing

# --------------------------------------------------------------------------- helpers


def _exif(entries) -> bytes:
    """EXIF data (``Exif\\0\\0`` and a little-endian TIFF of one directory) holding
    ``entries``: (tag, TIFF type, count, value bytes), written as they are, so that a
    tag may have a type it should not."""
    out, extra = struct.pack("<H", len(entries)), b""
    extra_at = 8 + 2 + 12 * len(entries) + 4
    for tag, kind, count, value in sorted(entries):
        if len(value) <= 4:
            out += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            out += struct.pack("<HHII", tag, kind, count, extra_at + len(extra))
            extra += value
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + out + struct.pack("<I", 0) + extra


#: Orientation 6 (turn a quarter) with one more tag of the wrong type, which Pillow reads
#: but cannot write back: ImageOps.exif_transpose then raised.
_TURNED = (0x0112, 3, 1, struct.pack("<H", 6))
DAMAGED_EXIF = {
    "struct.error": [_TURNED, (0x0213, 2, 4, b"abc\0")],  # YCbCrPositioning as text
    "TypeError": [_TURNED, (0x011A, 2, 4, b"abc\0")],  # XResolution as text
    "AttributeError": [_TURNED, (0x010F, 5, 1, struct.pack("<II", 1, 2))],  # Make: a ratio
}


def _picture(height=6, width=10, seed=0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def _jpegs(folder, name="bad.jpg", damage="struct.error"):
    """(a JPEG with orientation 6, the same picture with damaged EXIF data)."""
    good, bad = folder / "good.jpg", folder / name
    exif = Image.Exif()
    exif[0x0112] = 6
    _picture().save(good, exif=exif)
    _picture().save(bad, exif=_exif(DAMAGED_EXIF[damage]))
    return good, bad


def _cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- 1. EXIF


@pytest.mark.parametrize("damage", sorted(DAMAGED_EXIF))
def test_read_image_turns_a_jpeg_whose_exif_pillow_cannot_write_back(tmp_path, damage):
    good, bad = _jpegs(tmp_path, damage=damage)
    expected = read_image(good, 8)
    np.testing.assert_array_equal(read_image(bad, 8), expected)
    # the orientation is applied: the picture stored 6 rows x 10 columns stands up
    with Image.open(good) as img:
        as_stored = np.asarray(img.convert("RGB").resize((8, 8), Image.Resampling.LANCZOS))
    assert not np.array_equal(expected, as_stored)


def test_a_folder_holding_a_jpeg_with_damaged_exif_is_read(tmp_path):
    for name in ("cat", "dog"):
        (tmp_path / name).mkdir()
        _picture(seed=1).save(tmp_path / name / "plain.png")
    _jpegs(tmp_path / "cat", "turned.jpg", "TypeError")
    (tmp_path / "cat" / "good.jpg").unlink()
    data = load_image_folder(tmp_path, image_size=4)
    assert data.n_samples == 3


def test_predict_reads_every_picture_beside_one_with_damaged_exif(tmp_path):
    rng = np.random.default_rng(0)
    est = LogisticRegression(max_iter=5).fit(rng.random((10, 4 * 4 * 3)), np.arange(10) % 2)
    model = tmp_path / "m.npz"
    save(est, model, preprocessor=Preprocessor.image(4), class_names=["no", "yes"])
    good = tmp_path / "good.png"
    _picture().save(good)
    _, bad = _jpegs(tmp_path)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")

    code, out, err = _cli("predict", model, good, bad, "--json")
    assert code == 0, err
    results = json.loads(out)
    assert [r["input"] for r in results] == [str(good), str(bad)]
    assert all(r["label"] in ("no", "yes") for r in results)

    code, out, err = _cli("predict", model, good, bad, broken, "--json")
    assert code == 2 and "Traceback" not in err
    assert [("error" in r) for r in json.loads(out)] == [False, False, True]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "broken.png" in lines[0], err


# --------------------------------------------------------------------------- 2. colour keys


def _keyed_pictures(folder):
    """Pictures whose top half is transparent by a colour key, of several modes."""
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[2:] = (200, 30, 60)
    gray = np.where(np.arange(4)[:, None] < 2, 0, 200).astype(np.uint8).repeat(4, axis=1)
    deep = np.where(gray == 0, 7, 50000).astype(np.uint16)
    made = {
        "rgb.png": (Image.fromarray(rgb), (0, 0, 0)),
        "gray.png": (Image.fromarray(gray), 0),
        "gray16.png": (Image.fromarray(deep), 7),
        "bits.png": (Image.fromarray(gray > 0).convert("1"), 0),
    }
    for name, (img, key) in made.items():
        img.save(folder / name, transparency=key)
    return sorted(made)


@pytest.mark.parametrize("name", ["bits.png", "gray.png", "gray16.png", "rgb.png"])
def test_colour_key_transparency_is_put_on_white(tmp_path, name):
    assert name in _keyed_pictures(tmp_path)
    with Image.open(tmp_path / name) as img:
        assert "transparency" in img.info
    pixels = read_image(tmp_path / name, 4)
    assert (pixels[:2] == 255).all()  # the keyed half, on white
    if name != "bits.png":  # (a 1-bit picture's other colour is white)
        assert not (pixels[2:] == 255).all()  # the rest as it is


def test_a_colour_keyed_picture_reads_as_its_rgba_twin(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[2:] = (200, 30, 60, 255)
    Image.fromarray(rgba).save(tmp_path / "alpha.png")
    Image.fromarray(rgba[..., :3]).save(tmp_path / "cut.png", transparency=(0, 0, 0))
    np.testing.assert_array_equal(read_image(tmp_path / "cut.png", 4),
                                  read_image(tmp_path / "alpha.png", 4))


# --------------------------------------------------------------------------- 3. pixel values


def test_transform_takes_float_pixels_in_0_1_as_already_scaled():
    prep = Preprocessor.image(2)
    pixels = np.random.default_rng(0).integers(0, 256, (3, 2, 2, 3), dtype=np.uint8)
    scaled = (pixels / 255.0).astype(np.float32)  # as plt.imread gives a PNG
    with pytest.warns(UserWarning, match="already scaled"):
        X = prep.transform(scaled)
    np.testing.assert_array_equal(X, prep.transform(pixels))
    np.testing.assert_array_equal(prep.transform(pixels.astype(np.int64)),
                                  prep.transform(pixels))


@pytest.mark.parametrize("bad, said", [
    (np.full((1, 2, 2, 3), 1000.0), "from 0 to 255"),
    (np.full((1, 2, 2, 3), -7), "from 0 to 255"),
    (np.full((1, 2, 2, 3), np.nan), "NaN or infinite"),
    (np.full((1, 2, 2, 3), np.inf), "NaN or infinite"),
    (np.ones((1, 2, 2, 3), bool), "bool"),
])
def test_transform_refuses_pixels_that_are_no_0_255_values(bad, said):
    with pytest.raises(DatasetError, match=said) as caught:
        Preprocessor.image(2).transform(bad)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- 4. columns


@pytest.fixture
def table_prep():
    return Preprocessor.fit_tabular(np.array([[0.0, 10.0], [2.0, 30.0]]), ["a", "b"])


def test_transform_finds_a_dataframes_columns_by_name(table_prep):
    pd = pytest.importorskip("pandas")
    rows = np.array([[1.0, 20.0], [3.0, 40.0]])
    frame = pd.DataFrame({"label": ["x", "y"], "b": rows[:, 1], "a": rows[:, 0]})
    np.testing.assert_array_equal(table_prep.transform(frame), table_prep.transform(rows))


def test_transform_names_the_columns_a_dataframe_lacks(table_prep):
    pd = pytest.importorskip("pandas")
    with pytest.raises(DatasetError, match="no column 'b'"):
        table_prep.transform(pd.DataFrame({"a": [1.0], "c": [2.0]}))


def test_transform_of_a_text_column_is_one_line_naming_it(table_prep):
    pd = pytest.importorskip("pandas")
    with pytest.raises(DatasetError, match="column 'a' holds 'red'") as caught:
        table_prep.transform(pd.DataFrame({"a": ["red"], "b": [1.0]}))
    assert "\n" not in str(caught.value)
    with pytest.raises(DatasetError, match="column 'b' holds 'x'"):
        table_prep.transform(np.array([[1.0, "x"]], dtype=object))


# --------------------------------------------------------------------------- 5. unscaled


def test_an_unscaled_table_stays_unscaled_through_a_model_file(tmp_path):
    data = load_builtin("flower")
    prep = data.preprocessor
    assert not prep.standardised
    est = LogisticRegression(max_iter=5).fit(data.X, data.y)
    save(est, tmp_path / "m.npz", preprocessor=prep, class_names=["red", "blue"])
    loaded = load_bundle(tmp_path / "m.npz").preprocessor
    assert loaded.standardised is False and loaded == prep
    again = loaded.refit(data.raw)
    assert again.mean == (0.0, 0.0) and again.std == (1.0, 1.0)
    step = FoldPreprocessing(loaded).fit(data.raw[:100])
    np.testing.assert_array_equal(step.transform(data.raw[:5]), data.raw[:5])
    assert loaded != Preprocessor.fit_tabular(data.raw, prep.columns)  # == sees it


def test_a_model_file_without_the_key_is_read_as_its_statistics_say():
    unscaled = {"kind": "tabular", "columns": ["x1", "x2"], "mean": [0.0, 0.0],
                "std": [1.0, 1.0]}
    assert Preprocessor.from_dict(unscaled).standardised is False
    scaled = {**unscaled, "mean": [0.5, 0.0]}
    assert Preprocessor.from_dict(scaled).standardised is True
    with pytest.raises(DatasetError, match="true or false"):
        Preprocessor.from_dict({**unscaled, "standardised": 1})
    with pytest.raises(DatasetError, match="'standardised' is false"):
        Preprocessor.from_dict({**scaled, "standardised": False})


@pytest.mark.parametrize("raw, columns, said", [
    (np.array([[np.nan, 1.0], [2.0, 3.0]]), ["a", "b"], "NaN or infinite"),
    (np.array([[np.inf, 1.0], [2.0, 3.0]]), ["a", "b"], "NaN or infinite"),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), ["a"], "1 column names for"),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), ["a", "b", "c"], "3 column names for"),
    (np.array([1.0, 2.0]), ["a"], "must be 2-D"),
])
def test_fit_tabular_refuses_bad_input_in_one_line(raw, columns, said):
    with pytest.raises(DatasetError, match=said) as caught:
        Preprocessor.fit_tabular(raw, columns)
    assert "\n" not in str(caught.value)
