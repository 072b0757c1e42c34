"""The CSV audit's defects, one test each (or a few): pandas' number header, errors the
header decides raised before any row is read, the flower of an odd number of points,
the decision boundary plots' arguments, thousands separators, files that are text but
not UTF-8, and large integer labels."""

import warnings

import numpy as np
import pytest

from nnscratch import datasets
from nnscratch.datasets import (
    DatasetError,
    Preprocessor,
    load_csv,
    load_flower,
    read_csv_features,
)
from nnscratch.plotting import plot_decision_boundaries, plot_decision_boundary

# --------------------------------------------------------------------------- item 1


@pytest.fixture
def pandas_blobs(tmp_path):
    """make_blobs with 3 classes written as pandas writes a frame of default names: the
    header is 0,1,2 and the label column is named 2."""
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=30, centers=3, random_state=0)
    path = tmp_path / "blobs.csv"
    pd.DataFrame(X).assign(**{"2": y}).to_csv(path, index=False)
    assert path.read_text().startswith("0,1,2\n")
    return path, X, y


@pytest.mark.parametrize("label_column", [None, "2"])
def test_pandas_default_column_names_are_a_header(pandas_blobs, label_column):
    path, X, y = pandas_blobs
    data = load_csv(path, label_column=label_column)
    assert data.n_samples == 30 and data.class_names == ["0", "1", "2"]
    np.testing.assert_allclose(data.raw, X)
    np.testing.assert_array_equal(data.y, y)


def test_a_named_label_column_says_the_first_line_is_the_header(tmp_path):
    # two columns 0,1 look like a first row of data (a feature 0, the label 1) and are
    # refused, unless the label column is named
    path = tmp_path / "two.csv"
    path.write_text("0,1\n0.5,0\n2.5,1\n1.5,0\n")
    with pytest.raises(DatasetError, match=r"looks like data, not column names.*"
                                           r"--label-column"):
        load_csv(path)
    data = load_csv(path, label_column="1")
    assert data.n_samples == 3 and data.names == ["two.csv:row 1", "two.csv:row 2",
                                                  "two.csv:row 3"]


def test_a_first_row_of_data_is_still_refused(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("1,2,x\n3,4,y\n2,1,x\n5,3,y\n")
    with pytest.raises(DatasetError, match=r"its first row \(1, 2, x\) looks like data"):
        load_csv(path)


# --------------------------------------------------------------------------- item 2


@pytest.fixture
def whole_reads(monkeypatch):
    """The calls that read a CSV file whole (its text for the separator, or its rows as
    strings), recorded."""
    calls = []
    for name in ("_csv_delimiter", "_read_csv_rows", "_parse_numbers"):
        original = getattr(datasets, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(datasets, name, spy)
    return calls


@pytest.fixture
def long_csv(tmp_path):
    path = tmp_path / "long.csv"
    rows = "".join(f"{i},{i % 7}.5,{'ab'[i % 2]}\n" for i in range(5000))
    path.write_text("x1,x2,label\n" + rows)
    return path


def test_a_missing_label_column_is_refused_from_the_header_alone(long_csv, whole_reads):
    with pytest.raises(DatasetError, match=r"long.csv: no column 'lable'; the columns are "
                                           r"x1, x2, label"):
        load_csv(long_csv, label_column="lable")
    assert whole_reads == []


def test_missing_model_columns_are_refused_from_the_header_alone(long_csv, whole_reads):
    prep = Preprocessor.fit_tabular(np.array([[0.0, 1.0], [1.0, 0.0]]), ["x1", "x3"])
    with pytest.raises(DatasetError, match=r"lacks the model's feature columns \['x3'\]"):
        read_csv_features(long_csv, prep)
    with pytest.raises(DatasetError, match=r"lacks the model's feature columns \['x3'\]"):
        load_csv(long_csv, preprocessor=prep, class_names=["a", "b"])
    assert whole_reads == []


def test_a_good_header_is_then_read_as_before(long_csv, whole_reads):
    data = load_csv(long_csv)
    assert data.n_samples == 5000 and data.raw[3].tolist() == [3.0, 3.5]
    assert "_read_csv_rows" not in whole_reads  # the lean reading, once


# --------------------------------------------------------------------------- item 3


@pytest.mark.parametrize("m", [3, 5, 7, 401])
def test_an_odd_flower_has_no_point_at_the_origin(m):
    X, y = load_flower(m)
    assert X.shape == (m, 2) and y.shape == (m,)
    assert not np.any(np.all(X == 0.0, axis=1)), "a point never drawn, at the origin"
    assert np.bincount(y).tolist() == [m // 2, m - m // 2]


def test_an_odd_flower_s_red_petals_are_the_even_flower_s():
    X_odd, y_odd = load_flower(401)
    X_even, y_even = load_flower(400)
    np.testing.assert_array_equal(X_odd[:200], X_even[:200])  # the same first draws
    assert (y_odd[:200] == 0).all()


def test_the_playground_flower_of_an_odd_number_of_points_has_no_fake_point():
    from nnscratch.playground.data import make_points

    X, y = make_points("flower", n_samples=21)
    assert not np.any(np.all(X == 0.0, axis=1))
    assert np.bincount(y).tolist() == [10, 11]  # every point asked for, as load_flower(21)


# --------------------------------------------------------------------------- item 4


def _predict(points):
    return (points[:, 0] > 1).astype(int)


POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])


@pytest.mark.parametrize("plural", [False, True], ids=["one", "several"])
@pytest.mark.parametrize("points, codes, names, said", [
    (POINTS, [0, 1, 2], ["red", "blue"],
     "class_names has 2 names but codes hold the class code 2: give one name per class "
     "code 0 .. 2"),
    (POINTS, np.array(["a", "b", "a"]), None, "codes gave labels of type <U1"),
    (POINTS, [0.0, np.nan, 1.0], None, "codes gave nan, not a class code"),
    (np.zeros((0, 2)), [], None, "points is empty"),
], ids=["too-few-names", "string-codes", "nan-code", "no-points"])
def test_plot_arguments_are_refused_in_one_line(plural, points, codes, names, said):
    with pytest.raises(ValueError) as info:
        if plural:
            plot_decision_boundaries({"a": _predict}, points, codes, names)
        else:
            plot_decision_boundary(_predict, points, codes, names)
    assert type(info.value) is ValueError and said in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("resolution", [0, 1, 2.5, True, "300"])
def test_a_plot_resolution_is_a_whole_number_of_two_or_more(resolution):
    with pytest.raises(ValueError, match=r"^resolution must be a whole number of grid "
                                         r"points per axis >= 2, got "):
        plot_decision_boundary(_predict, POINTS, [0, 1, 0], resolution=resolution)


def test_enough_class_names_and_the_least_resolution_draw():
    fig = plot_decision_boundary(_predict, POINTS, [0, 1, 0], ["red", "blue", "green"],
                                 resolution=2)
    assert fig.axes
    assert plot_decision_boundaries({"a": _predict}, POINTS, [0, 1, 1], ["r", "b"]).axes


# --------------------------------------------------------------------------- item 5


def test_a_thousands_comma_is_said_to_be_ambiguous(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b,label\n"1,234",2,a\n3,4,b\n')
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    message = str(info.value)
    assert "'1,234' may hold a thousands separator (1234) or a decimal comma (1.234)" \
        in message and "(1234 or 1.234)" in message
    assert "has a decimal comma" not in message


def test_groups_of_thousands_are_said_to_be_thousands(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b,label\n"12,345,678",2,a\n3,4,b\n')
    with pytest.raises(DatasetError, match=r"'12,345,678' has thousands commas; write "
                                           r"plain numbers, without separators \(12345678\)"):
        load_csv(path)


def test_a_thousands_point_and_a_decimal_comma_are_said_so(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;label\n1.234,5;2;a\n3;4;b\n5;6;a\n")
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    message = str(info.value)
    assert "'1.234,5' has a thousands point and a decimal comma" in message
    assert "(1234.5)" in message and "use one separator throughout" not in message


def test_a_decimal_comma_in_a_semicolon_file_is_still_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;label\n1,234;2;a\n3;4,5;b\n5;6;a\n")
    with pytest.warns(UserWarning, match="decimal commas"):
        data = load_csv(path)
    assert data.raw[:2].tolist() == [[1.234, 2.0], [3.0, 4.5]]


# --------------------------------------------------------------------------- item 6


def test_a_latin1_csv_is_text_and_its_first_byte_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("a,b,label\n1,2,x\n3,4,café\n5,6,x\n".encode("latin-1"))
    with pytest.raises(DatasetError) as info:
        load_csv(path)
    message = str(info.value)
    assert message.startswith(f"{path}: is not UTF-8 text: line 3 (byte 24 of the file) "
                              "holds the byte 0xe9, 'é' in Windows-1252 or Latin-1")
    assert "CSV UTF-8" in message and "not a text CSV" not in message


def test_utf16_is_named_and_binary_is_still_not_text(tmp_path):
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes("a,b,label\n1,2,x\n3,4,y\n".encode("utf-16"))
    with pytest.raises(DatasetError, match=r"u.csv: is UTF-16 text, not UTF-8; save it as "
                                           r"UTF-8"):
        load_csv(utf16)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DatasetError, match=r"b.csv: is not a text CSV file \(it holds "
                                           r"binary data"):
        load_csv(binary)


# --------------------------------------------------------------------------- item 7


def test_distinct_large_integer_labels_are_distinct_classes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,label\n1,12345678901234567890\n2,12345678901234567891\n"
                    "3,12345678901234567890\n4,12345678901234567891\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_csv(path)
    assert data.class_names == ["12345678901234567890", "12345678901234567891"]
    assert data.y.tolist() == [0, 1, 0, 1]


def test_spellings_of_one_number_are_still_one_class(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,label\n1,1\n2,1.0\n3,2\n4,1\n5,12345678901234567890\n"
                    "6,12345678901234567890.0\n7,12345678901234567890\n")
    with pytest.warns(UserWarning) as record:
        data = load_csv(path)
    said = [str(w.message) for w in record]
    assert any("the labels '1', '1.0' mean the same" in s for s in said)
    assert any("'12345678901234567890', '12345678901234567890.0' mean the same" in s
               for s in said)
    assert data.class_names == ["1", "2", "12345678901234567890"]
