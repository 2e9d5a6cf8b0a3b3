"""Notebook 05: each exercise's tests accept the solution and reject plausible wrong answers."""
from answers import answer_tests

NAME = "05_embedding_quantization"
WRONG = {
    "q05_binarize": {
        "zero_is_positive": "return np.packbits(embeddings >= 0, axis=-1)",
        "not_packed": "return (embeddings > 0).astype(np.uint8)",
        "little_endian_bits": "return np.packbits(embeddings > 0, axis=-1, bitorder='little')",
        "packed_across_rows": "return np.packbits(embeddings > 0, axis=0).T",
    },
    "q05_hamming": {
        "matching_bits": "return a.shape[1] * 8 - np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=-1, dtype=np.int64)",
        "and_not_xor": "return np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=-1, dtype=np.int64)",
        "differing_bytes": "return (a[:, None, :] != b[None, :, :]).sum(axis=-1)",
        "first_byte_only": "return np.bitwise_count(a[:, None, :1] ^ b[None, :, :1]).sum(axis=-1, dtype=np.int64)",
    },
    "q05_recall_at_k": {
        "precision": """
            hits = [len(set(row[:k].tolist()) & rel) / k for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
        "any_hit": """
            hits = [float(bool(set(row[:k].tolist()) & rel)) for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
        "off_by_one": """
            hits = [len(set(row[:k + 1].tolist()) & rel) / len(rel) for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
    },
    "q05_ndcg_at_k": {
        "no_ideal_normalisation": """
            discounts = 1.0 / np.log2(np.arange(2, k + 2))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel)
                                  for row, rel in zip(ranked, relevant)]))""",
        "ideal_over_k_ranks": """
            discounts = 1.0 / np.log2(np.arange(2, k + 2))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel) / discounts.sum()
                                  for row, rel in zip(ranked, relevant)]))""",
        "discount_log2_rank_plus_2": """
            discounts = 1.0 / np.log2(np.arange(3, k + 3))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel)
                                  / discounts[:min(len(rel), k)].sum() for row, rel in zip(ranked, relevant)]))""",
        "no_discount": """
            return float(np.mean([len(set(row[:k].tolist()) & rel) / min(len(rel), k)
                                  for row, rel in zip(ranked, relevant)]))""",
    },
    "q05_int8_quantize": {
        "ranges_from_embeddings": """
            lo, hi = embeddings.min(axis=0), embeddings.max(axis=0)
            return (np.clip(np.floor((embeddings - lo) / ((hi - lo) / 255)), 0, 255) - 128).astype(np.int8)""",
        "global_range": """
            lo, hi = calibration.min(), calibration.max()
            return (np.clip(np.floor((embeddings - lo) / ((hi - lo) / 255)), 0, 255) - 128).astype(np.int8)""",
        "no_shift": """
            lo, hi = calibration.min(axis=0), calibration.max(axis=0)
            return np.clip(np.floor((embeddings - lo) / ((hi - lo) / 255)), 0, 127).astype(np.int8)""",
        "absmax_symmetric": """
            scale = 127 / np.abs(calibration).max(axis=0)
            return np.clip(np.round(embeddings * scale), -128, 127).astype(np.int8)""",
        "round_not_floor": """
            lo, hi = calibration.min(axis=0), calibration.max(axis=0)
            return (np.clip(np.round((embeddings - lo) / ((hi - lo) / 255)), 0, 255) - 128).astype(np.int8)""",
    },
    "q05_rescore": {
        "positions_not_ids": """
            scores = np.einsum("qd,qcd->qc", query_emb, corpus_emb[candidates])
            return np.argsort(-scores, axis=1, kind="stable")[:, :k]""",
        "ascending": """
            scores = np.einsum("qd,qcd->qc", query_emb, corpus_emb[candidates])
            order = np.argsort(scores, axis=1, kind="stable")[:, :k]
            return np.take_along_axis(candidates, order, axis=1)""",
        "no_rescoring": "return candidates[:, :k]",
        "not_cut_to_k": """
            scores = np.einsum("qd,qcd->qc", query_emb, corpus_emb[candidates])
            order = np.argsort(-scores, axis=1, kind="stable")
            return np.take_along_axis(candidates, order, axis=1)""",
    },
}


globals().update(answer_tests(NAME, WRONG, min_wrong=3))
