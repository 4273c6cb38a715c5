"""VectorPool: the directions of the mean and the max of a text's known word vectors."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glove_lookup import VectorPool

finite = st.floats(-10, 10, allow_nan=False, width=32)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float32, st.tuples(st.integers(1, 6), st.integers(0, 5), st.integers(1, 4)), elements=finite
    ),
    st.randoms(use_true_random=False),
)
def test_pool_is_mean_and_max_direction_of_the_known_vectors(vectors: np.ndarray, rng) -> None:
    got = VectorPool()(vectors).numpy()
    assert got.shape == (vectors.shape[0], 2 * vectors.shape[2])
    for row, steps in zip(got, vectors, strict=True):
        known = steps[np.any(steps != 0, axis=1)]
        mean, top = row[: steps.shape[1]], row[steps.shape[1] :]
        if len(known) == 0:
            assert not row.any()
            continue
        for part, expected in ((mean, known.mean(axis=0)), (top, known.max(axis=0))):
            norm = np.linalg.norm(expected)
            if norm > 1e-3:  # the direction, at length 1/sqrt(2)
                np.testing.assert_allclose(part, expected / norm / np.sqrt(2), atol=1e-4)
        # padding and order do not matter: shuffled steps with zero vectors added pool the same
        order = list(range(len(steps)))
        rng.shuffle(order)
        padded = np.concatenate([steps[order], np.zeros((2, steps.shape[1]), np.float32)])
        np.testing.assert_allclose(VectorPool()(padded[np.newaxis]).numpy()[0], row, atol=1e-5)
