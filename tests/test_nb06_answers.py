"""Notebook 06: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
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
        "in_place": """
            x = embeddings[:, :dim]
            x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
            return x.astype(np.float32)""",
        "zero_rows_nan": """
            x = embeddings[:, :dim].astype(np.float32)
            with np.errstate(all="ignore"):
                return x / np.linalg.norm(x, axis=1, keepdims=True)""",
        "keeps_input_dtype": """
            x = embeddings[:, :dim]
            n = np.linalg.norm(x, axis=1, keepdims=True)
            return np.divide(x, n, out=np.zeros_like(x), where=n > 0)""",
        "off_by_one": """
            x = embeddings[:, :dim + 1].astype(np.float32)
            n = np.linalg.norm(x, axis=1, keepdims=True)
            return np.divide(x, n, out=np.zeros_like(x), where=n > 0)[:, :dim]""",
    },
    "q06_spearman": {
        "pearson_of_values": "return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])",
        "ordinal_ranks": """
            from scipy.stats import rankdata
            return float(np.corrcoef(rankdata(x, method="ordinal"), rankdata(y, method="ordinal"))[0, 1])""",
        "argsort_once": "return float(np.corrcoef(np.argsort(x), np.argsort(y))[0, 1])",
        "min_ranks": """
            from scipy.stats import rankdata
            return float(np.corrcoef(rankdata(x, method="min"), rankdata(y, method="min"))[0, 1])""",
        "ranks_of_x_only": """
            from scipy.stats import rankdata
            return float(np.corrcoef(rankdata(x), np.asarray(y, float))[0, 1])""",
        "sorts_in_place": """
            from scipy.stats import rankdata
            if isinstance(x, np.ndarray):
                x.sort()
                return float(np.corrcoef(np.arange(len(x)), rankdata(y))[0, 1])
            return float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])""",
        "constant_gives_zero": """
            from scipy.stats import rankdata
            rx, ry = rankdata(x), rankdata(y)
            if rx.std() == 0 or ry.std() == 0:
                return 0.0
            return float(np.corrcoef(rx, ry)[0, 1])""",
        "constant_warns": """
            from scipy.stats import rankdata
            return float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])""",
    },
    "q06_matryoshka_loss": {
        "last_columns": "return sum(w * cosent(e1[:, -d:], e2[:, -d:], labels) for d, w in zip(dims, weights))",
        "ignores_weights": "return sum(cosent(e1[:, :d], e2[:, :d], labels) for d in dims)",
        "mean_over_dims": "return sum(w * cosent(e1[:, :d], e2[:, :d], labels) for d, w in zip(dims, weights)) / len(dims)",
        "smallest_only": "return weights[-1] * cosent(e1[:, :min(dims)], e2[:, :min(dims)], labels)",
        "sorted_dims_misaligned": "return sum(w * cosent(e1[:, :d], e2[:, :d], labels) for d, w in zip(sorted(dims, reverse=True), weights))",
        "detached": "return torch.tensor(sum(float(w * cosent(e1[:, :d], e2[:, :d], labels)) for d, w in zip(dims, weights)))",
        "normalises_in_place": """
            e1.div_(e1.norm(dim=-1, keepdim=True))
            e2.div_(e2.norm(dim=-1, keepdim=True))
            return sum(w * cosent(e1[:, :d], e2[:, :d], labels) for d, w in zip(dims, weights))""",
    },
    "q06_bytes_per_vector": {
        "bits_not_bytes": "return float(dims * bits)",
        "always_float32": "return float(dims * 4)",
        "integer_division": "return dims * bits // 8",
        "rounds_up": """
            import math
            return float(math.ceil(dims * bits / 8))""",
        "floor_as_float": "return float(dims * bits // 8)",
        "bits_per_byte_wrong": "return dims * bits / 32",
        "int_when_whole": "return dims * bits // 8 if dims * bits % 8 == 0 else dims * bits / 8",
    },
}
RIGHT = {
    "q06_truncate": {
        "float64_then_cast": """
            x = np.array(embeddings[:, :dim], dtype=np.float64)
            n = np.sqrt((x * x).sum(axis=1, keepdims=True))
            n[n == 0] = 1.0
            return (x / n).astype(np.float32)""",
        "row_loop": """
            out = np.zeros((embeddings.shape[0], dim), dtype=np.float32)
            for i, r in enumerate(embeddings):
                v = r[:dim].astype(np.float32)
                n = float(np.linalg.norm(v))
                if n > 0:
                    out[i] = v / n
            return out""",
    },
    "q06_spearman": {
        "scipy": """
            from scipy.stats import spearmanr
            x, y = np.asarray(x, float), np.asarray(y, float)
            if np.ptp(x) == 0 or np.ptp(y) == 0:
                return float("nan")
            return float(spearmanr(x, y).statistic)""",
        "manual_average_ranks": """
            def ranks(v):
                v = np.asarray(v, dtype=float)
                order = np.argsort(v, kind="stable")
                r = np.empty(len(v))
                i = 0
                while i < len(v):
                    j = i
                    while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                        j += 1
                    r[order[i:j + 1]] = (i + j) / 2 + 1
                    i = j + 1
                return r
            rx, ry = ranks(x), ranks(y)
            rx, ry = rx - rx.mean(), ry - ry.mean()
            den = np.sqrt((rx * rx).sum() * (ry * ry).sum())
            return float("nan") if den == 0 else float((rx * ry).sum() / den)""",
    },
    "q06_matryoshka_loss": {
        "loop": """
            total = 0
            for i in range(len(dims)):
                d = dims[i]
                total = total + weights[i] * cosent(e1[:, :d], e2[:, :d], labels)
            return total""",
        "stack": """
            return torch.stack([cosent(e1[:, :d], e2[:, :d], labels) * w for d, w in zip(dims, weights)]).sum()""",
    },
    "q06_bytes_per_vector": {
        "float_first": "return float(dims) * bits / 8",
        "divide_by_8_point_0": "return (dims * bits) / 8.0",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
