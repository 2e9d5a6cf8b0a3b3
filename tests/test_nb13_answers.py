"""Notebook 13: each exercise's tests accept correct answers written differently and reject plausible wrong ones."""
from answers import answer_tests

NAME = "13_choosing_a_model"

_CHECK_DEPTH = """
    if not 0 <= depth <= 1:
        raise ValueError("depth")
"""

_LOGPROBS = """
    device = next(model.parameters()).device
    ids = torch.cat([context_ids, target_ids]).to(device)[None]
    logprobs = torch.log_softmax(model(ids).logits[0].double(), dim=-1)
    n, m = len(context_ids), len(target_ids)
    t = target_ids.to(device)
"""

_SPEARMAN_HEAD = """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("lengths")
"""
_AVG_RANKS = """
    def ranks(v):
        return np.array([(v < a).sum() + ((v == a).sum() + 1) / 2 for a in v])
"""
_PEARSON_OF_RANKS = """
    rx, ry = ranks(x), ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx ** 2).sum() * (ry ** 2).sum())
    return float("nan") if den == 0 else float((rx * ry).sum() / den)
"""

_DOMINATES = """
    pts = [tuple(p) for p in points]
"""

_FITS = """
    fits = [(row["perplexity"], row["bytes"], name) for name, row in table.items()
            if row["bytes"] <= max_bytes and row["seconds"] <= max_seconds]
"""

WRONG = {
    "q13_plant_needle": {
        "bankers_round": _CHECK_DEPTH + """
    i = round(depth * len(sentences))
    return sentences[:i] + [needle] + sentences[i:]""",
        "floor_without_half": _CHECK_DEPTH + """
    i = math.floor(depth * len(sentences))
    return sentences[:i] + [needle] + sentences[i:]""",
        "ceil": _CHECK_DEPTH + """
    i = math.ceil(depth * len(sentences))
    return sentences[:i] + [needle] + sentences[i:]""",
        "inserts_in_place": _CHECK_DEPTH + """
    sentences.insert(math.floor(depth * len(sentences) + 0.5), needle)
    return sentences""",
        "scales_by_n_minus_1": _CHECK_DEPTH + """
    i = math.floor(depth * max(len(sentences) - 1, 0) + 0.5)
    return sentences[:i] + [needle] + sentences[i:]""",
        "replaces_a_sentence": _CHECK_DEPTH + """
    i = math.floor(depth * len(sentences) + 0.5)
    return sentences[:i] + [needle] + sentences[i + 1:]""",
        "nan_slips_through": """
    if depth < 0 or depth > 1:
        raise ValueError("depth")
    i = math.floor(depth * len(sentences) + 0.5) if depth == depth else 0
    return sentences[:i] + [needle] + sentences[i:]""",
        "no_range_check": """
    i = min(max(math.floor(depth * len(sentences) + 0.5), 0), len(sentences))
    return sentences[:i] + [needle] + sentences[i:]""",
    },
    "q13_continuation_logprob": {
        "off_by_one": _LOGPROBS + """
    return float(logprobs[torch.arange(n, n + m, device=device).clamp(max=n + m - 1), t].sum())""",
        "mean_not_sum": _LOGPROBS + """
    return float(logprobs[torch.arange(n - 1, n - 1 + m, device=device), t].mean())""",
        "first_target_only": _LOGPROBS + """
    return float(logprobs[n - 1, t[0]])""",
        "sums_probabilities": _LOGPROBS + """
    return float(logprobs[torch.arange(n - 1, n - 1 + m, device=device), t].exp().sum().log())""",
        "raw_logits": """
    device = next(model.parameters()).device
    ids = torch.cat([context_ids, target_ids]).to(device)[None]
    logits = model(ids).logits[0].double()
    n, m = len(context_ids), len(target_ids)
    return float(logits[torch.arange(n - 1, n - 1 + m), target_ids].sum())""",
        "log2": _LOGPROBS + """
    return float(logprobs[torch.arange(n - 1, n - 1 + m, device=device), t].sum() / math.log(2))""",
        "float32": """
    device = next(model.parameters()).device
    ids = torch.cat([context_ids, target_ids]).to(device)[None]
    logprobs = torch.log_softmax(model(ids).logits[0], dim=-1)
    n, m = len(context_ids), len(target_ids)
    return float(logprobs[torch.arange(n - 1, n - 1 + m), target_ids].sum())""",
        "one_pass_per_target": """
    total = 0.0
    for i in range(len(target_ids)):
        ids = torch.cat([context_ids, target_ids[:i]])[None]
        lp = torch.log_softmax(model(ids).logits[0, -1].double(), dim=-1)
        total += float(lp[target_ids[i]])
    return total""",
        "returns_a_tensor": _LOGPROBS + """
    return logprobs[torch.arange(n - 1, n - 1 + m, device=device), t].sum()""",
    },
    "q13_spearman": {
        "pearson_of_values": _SPEARMAN_HEAD + """
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])""",
        "ordinal_ranks_ignore_ties": _SPEARMAN_HEAD + """
    def ranks(v):
        return np.argsort(np.argsort(v, kind="stable"), kind="stable") + 1.0
""" + _PEARSON_OF_RANKS,
        "argsort_once": _SPEARMAN_HEAD + """
    def ranks(v):
        return np.argsort(v, kind="stable") + 1.0
""" + _PEARSON_OF_RANKS,
        "min_rank_for_ties": _SPEARMAN_HEAD + """
    def ranks(v):
        return np.array([(v < a).sum() + 1.0 for a in v])
""" + _PEARSON_OF_RANKS,
        "textbook_d_squared_formula": _SPEARMAN_HEAD + _AVG_RANKS + """
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    d = ranks(x) - ranks(y)
    n = len(x)
    return float(1 - 6 * (d ** 2).sum() / (n * (n ** 2 - 1)))""",
        "zero_for_constant": _SPEARMAN_HEAD + _AVG_RANKS + """
    rx, ry = ranks(x), ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx ** 2).sum() * (ry ** 2).sum())
    return 0.0 if den == 0 else float((rx * ry).sum() / den)""",
        "centres_input_in_place": """
    xa, ya = np.asarray(x), np.asarray(y)
    if len(xa) != len(ya) or len(xa) < 2:
        raise ValueError("lengths")
    if xa.dtype == np.float64:
        xa -= xa.mean()
    x, y = np.asarray(xa, dtype=np.float64).ravel(), np.asarray(ya, dtype=np.float64).ravel()
""" + _AVG_RANKS + _PEARSON_OF_RANKS,
        "truncates_to_shorter": """
    n = min(len(x), len(y))
    x = np.asarray(x, dtype=np.float64).ravel()[:n]
    y = np.asarray(y, dtype=np.float64).ravel()[:n]
""" + _AVG_RANKS + _PEARSON_OF_RANKS,
        "float32": """
    x = np.asarray(x, dtype=np.float32).ravel()
    y = np.asarray(y, dtype=np.float32).ravel()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("lengths")
    def ranks(v):
        return np.array([(v < a).sum() + ((v == a).sum() + 1) / 2 for a in v], dtype=np.float32)
    rx, ry = ranks(x), ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    den = np.sqrt((rx ** 2).sum() * (ry ** 2).sum())
    return float("nan") if den == 0 else float((rx * ry).sum() / den)""",
    },
    "q13_pareto_front": {
        "strict_in_every_coordinate": _DOMINATES + """
    return [i for i, p in enumerate(pts) if not any(all(a < b for a, b in zip(q, p)) for q in pts)]""",
        "weak_dominance_drops_duplicates": _DOMINATES + """
    return [i for i, p in enumerate(pts)
            if not any(j != i and all(a <= b for a, b in zip(q, p)) for j, q in enumerate(pts))]""",
        "first_two_coordinates_only": _DOMINATES + """
    def dom(q, p):
        return q[0] <= p[0] and q[1 if len(q) > 1 else 0] <= p[1 if len(p) > 1 else 0] and q[:2] != p[:2]
    return [i for i, p in enumerate(pts) if not any(dom(q, p) for q in pts)]""",
        "higher_is_better": _DOMINATES + """
    def dom(q, p):
        return all(a >= b for a, b in zip(q, p)) and any(a > b for a, b in zip(q, p))
    return [i for i, p in enumerate(pts) if not any(dom(q, p) for q in pts)]""",
        "sorted_by_point_not_index": _DOMINATES + """
    def dom(q, p):
        return all(a <= b for a, b in zip(q, p)) and any(a < b for a, b in zip(q, p))
    keep = [i for i, p in enumerate(pts) if not any(dom(q, p) for q in pts)]
    return sorted(keep, key=lambda i: pts[i])""",
        "returns_points": _DOMINATES + """
    def dom(q, p):
        return all(a <= b for a, b in zip(q, p)) and any(a < b for a, b in zip(q, p))
    return [p for p in pts if not any(dom(q, p) for q in pts)]""",
        "two_d_sweep": _DOMINATES + """
    best, keep = float("inf"), []
    for i in sorted(range(len(pts)), key=lambda i: pts[i]):
        if pts[i][-1] < best:
            best = pts[i][-1]
            keep.append(i)
    return sorted(keep)""",
    },
    "q13_choose_under_budget": {
        "strict_budgets": """
    fits = [(row["perplexity"], row["bytes"], name) for name, row in table.items()
            if row["bytes"] < max_bytes and row["seconds"] < max_seconds]
    return min(fits)[2] if fits else None""",
        "ignores_latency": """
    fits = [(row["perplexity"], row["bytes"], name) for name, row in table.items() if row["bytes"] <= max_bytes]
    return min(fits)[2] if fits else None""",
        "highest_perplexity": _FITS + """
    return max(fits)[2] if fits else None""",
        "ties_by_dict_order": _FITS + """
    return min(fits, key=lambda f: f[0])[2] if fits else None""",
        "ties_by_last_name": _FITS + """
    return min(fits, key=lambda f: (f[0], f[1], [-ord(c) for c in f[2]]))[2] if fits else None""",
        "smallest_that_fits": _FITS + """
    return min(fits, key=lambda f: (f[1], f[0], f[2]))[2] if fits else None""",
        "raises_when_nothing_fits": _FITS + """
    return min(fits)[2]""",
        "returns_the_row": _FITS + """
    return table[min(fits)[2]] if fits else None""",
    },
}

RIGHT = {
    "q13_plant_needle": {
        "int_of_half_up_and_copy": """
    if math.isnan(depth) or depth < 0 or depth > 1:
        raise ValueError("depth must be in [0, 1]")
    out = sentences.copy()
    out.insert(int(depth * len(sentences) + 0.5), needle)
    return out""",
        "decimal_free_loop": """
    if not (0 <= depth <= 1):
        raise ValueError("bad depth")
    at = math.floor(depth * len(sentences) + 0.5)
    out = []
    for i, s in enumerate(sentences):
        if i == at:
            out.append(needle)
        out.append(s)
    if at == len(sentences):
        out.append(needle)
    return out""",
    },
    "q13_continuation_logprob": {
        "loop_over_one_pass": _LOGPROBS + """
    total = 0.0
    for i in range(m):
        total += logprobs[n - 1 + i, int(target_ids[i])].item()
    return total""",
        "cross_entropy": """
    device = next(model.parameters()).device
    ids = torch.cat([context_ids, target_ids])[None].to(device)
    logits = model(input_ids=ids).logits[0].double()
    n = context_ids.numel()
    picked = logits[n - 1:n - 1 + target_ids.numel()]
    return -torch.nn.functional.cross_entropy(picked, target_ids.to(device), reduction="sum").item()""",
    },
    "q13_spearman": {
        "scipy_rankdata": """
    from scipy.stats import rankdata
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError("x and y must have the same length >= 2")
    if np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])""",
        "pandas_rank": """
    import pandas as pd
    sx = pd.Series(np.asarray(x, dtype=np.float64).ravel())
    sy = pd.Series(np.asarray(y, dtype=np.float64).ravel())
    if len(sx) != len(sy) or len(sx) < 2:
        raise ValueError("lengths")
    if sx.nunique() == 1 or sy.nunique() == 1:
        return float("nan")
    rx, ry = sx.rank(method="average").to_numpy(), sy.rank(method="average").to_numpy()
    rx, ry = rx - rx.mean(), ry - ry.mean()
    return float((rx @ ry) / np.sqrt((rx @ rx) * (ry @ ry)))""",
    },
    "q13_pareto_front": {
        "numpy_broadcast": """
    if len(points) == 0:
        return []
    a = np.array([list(p) for p in points], dtype=np.float64)
    le = (a[:, None, :] <= a[None, :, :]).all(-1)   # le[q, p]: q <= p everywhere
    lt = (a[:, None, :] < a[None, :, :]).any(-1)
    dominated = (le & lt).any(0)
    return [int(i) for i in np.flatnonzero(~dominated)]""",
        "explicit_loops": """
    pts = [list(p) for p in points]
    front = []
    for i, p in enumerate(pts):
        beaten = False
        for q in pts:
            if all(a <= b for a, b in zip(q, p)) and q != p:
                beaten = True
                break
        if not beaten:
            front.append(i)
    return front""",
    },
    "q13_choose_under_budget": {
        "sorted_loop": """
    best = None
    for name in sorted(table):
        row = table[name]
        if row["bytes"] > max_bytes or row["seconds"] > max_seconds:
            continue
        if best is None or (row["perplexity"], row["bytes"]) < (table[best]["perplexity"], table[best]["bytes"]):
            best = name
    return best""",
        "min_with_key": """
    fitting = [n for n, r in table.items() if r["bytes"] <= max_bytes and r["seconds"] <= max_seconds]
    if not fitting:
        return None
    return min(fitting, key=lambda n: (table[n]["perplexity"], table[n]["bytes"], n))""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
