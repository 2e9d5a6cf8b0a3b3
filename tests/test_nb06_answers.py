"""Notebook 06: each exercise's tests accept the solution and reject plausible wrong answers."""
import pytest

from answers import NotebookSession, exercise_ids

NAME = "06_matryoshka"
WRONG = {
    "q06_truncate": {
        "not_renormalized": "return embeddings[:, :dim].astype(np.float32)",
        "last_dims": """
            x = embeddings[:, -dim:].astype(np.float32)
            return x / np.linalg.norm(x, axis=1, keepdims=True)""",
        "normalize_then_cut": """
            x = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
            return x[:, :dim].astype(np.float32)""",
        "normalized_over_columns": """
            x = embeddings[:, :dim].astype(np.float32)
            return x / np.linalg.norm(x, axis=0, keepdims=True)""",
    },
    "q06_spearman": {
        "pearson_of_values": "return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])",
        "ordinal_ranks": """
            from scipy.stats import rankdata
            return float(np.corrcoef(rankdata(x, method="ordinal"), rankdata(y, method="ordinal"))[0, 1])""",
        "argsort_once": "return float(np.corrcoef(np.argsort(x), np.argsort(y))[0, 1])",
    },
    "q06_matryoshka_loss": {
        "last_columns": "return sum(w * cosent(e1[:, -d:], e2[:, -d:], labels) for d, w in zip(dims, weights))",
        "ignores_weights": "return sum(cosent(e1[:, :d], e2[:, :d], labels) for d in dims)",
        "mean_over_dims": "return sum(w * cosent(e1[:, :d], e2[:, :d], labels) for d, w in zip(dims, weights)) / len(dims)",
        "smallest_only": "return weights[-1] * cosent(e1[:, :min(dims)], e2[:, :min(dims)], labels)",
    },
    "q06_bytes_per_vector": {
        "bits_not_bytes": "return float(dims * bits)",
        "always_float32": "return float(dims * 4)",
        "integer_division": "return dims * bits // 8",
    },
}


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = NotebookSession(NAME, tmp_path_factory.mktemp(NAME))
    s.run_all()
    yield s
    s.close()


def test_every_exercise_has_wrong_answers():
    assert set(WRONG) == set(exercise_ids(NAME))
    assert all(len(answers) >= 3 for answers in WRONG.values())


@pytest.mark.slow
@pytest.mark.parametrize("qid", list(WRONG))
def test_solution_passes(session, qid):
    assert session.passes(qid)


@pytest.mark.slow
@pytest.mark.parametrize("qid,wrong", [(q, w) for q, ws in WRONG.items() for w in ws])
def test_wrong_answer_rejected(session, qid, wrong):
    assert not session.passes(qid, WRONG[qid][wrong]), f"{qid}: the tests accept the wrong answer {wrong!r}"
