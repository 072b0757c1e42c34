"""Edge cases of text and sparse input met by practitioners (QA round).

DataFrames and 2-D arrays of texts, missing values among the texts, no texts at all,
terms too long for a model file, and the sparse first layer on unusual batches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nnscratch.preprocessing import Preprocessor
from nnscratch.text import TextVectorizer

TEXTS = ["free money now", "lunch meeting at noon", "free lunch"]


# --------------------------------------------------------------------------- shapes of input


@pytest.mark.parametrize("make", [
    lambda: pd.DataFrame({"text": TEXTS})[["text"]],
    lambda: np.array(TEXTS).reshape(-1, 1),
    lambda: np.array("free money"),
], ids=["dataframe", "2-D array", "0-D array"])
def test_fit_and_transform_refuse_input_that_is_not_one_dimensional(make):
    # a DataFrame iterates over its column names: fitting it learnt the one term "text"
    with pytest.raises(ValueError, match=r"1-D list of texts") as info:
        TextVectorizer.fit(make())
    assert "\n" not in str(info.value)
    vec = TextVectorizer.fit(TEXTS)
    with pytest.raises(ValueError, match=r"1-D list of texts"):
        vec.transform(make())
    with pytest.raises(ValueError, match=r"1-D list of texts"):
        Preprocessor.fit_text(make())


def test_a_dataframe_is_told_to_pass_one_column():
    df = pd.DataFrame({"text": TEXTS})
    with pytest.raises(ValueError, match=r"2-D DataFrame of shape \(3, 1\).*df\['text'\]"):
        TextVectorizer.fit(df[["text"]])
    # one column (a Series) is a list of texts
    vec = TextVectorizer.fit(df["text"])
    assert vec.terms == TextVectorizer.fit(TEXTS).terms
    assert vec.transform(df["text"]).shape == (3, vec.n_features)
