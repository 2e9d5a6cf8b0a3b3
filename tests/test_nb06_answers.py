"""Notebook 06: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

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


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
