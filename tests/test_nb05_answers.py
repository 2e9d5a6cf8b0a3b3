"""Notebook 05: each exercise's tests accept the solution and correct variants, and reject plausible wrong answers."""
from answers import answer_tests

NAME = "05_embedding_quantization"
WRONG = {
    "q05_binarize": {
        "zero_is_positive": "return np.packbits(embeddings >= 0, axis=-1)",
        "not_packed": "return (embeddings > 0).astype(np.uint8)",
        "little_endian_bits": "return np.packbits(embeddings > 0, axis=-1, bitorder='little')",
        "packed_across_rows": "return np.packbits(embeddings > 0, axis=0).T",
        "in_place_sign": """
            embeddings[embeddings <= 0] = 0
            return np.packbits(embeddings > 0, axis=-1)""",
        "int8_dtype": "return np.packbits(embeddings > 0, axis=-1).astype(np.int8)",
        "nan_counts_as_positive": "return np.packbits(~(embeddings <= 0), axis=-1)",
        "flattened": "return np.packbits(embeddings > 0).reshape(-1, 1)",
    },
    "q05_hamming": {
        "matching_bits": "return a.shape[1] * 8 - np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=-1, dtype=np.int64)",
        "and_not_xor": "return np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=-1, dtype=np.int64)",
        "differing_bytes": "return (a[:, None, :] != b[None, :, :]).sum(axis=-1)",
        "first_byte_only": "return np.bitwise_count(a[:, None, :1] ^ b[None, :, :1]).sum(axis=-1, dtype=np.int64)",
        "unsigned_default_sum": "return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=-1)",
        "float_distances": "return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=-1).astype(np.float64)",
        "aliased_buffer": """
            out = np.zeros((len(a), len(b)), dtype=np.int64)
            for i in range(len(a)):
                diff = b                      # meant as a copy: XORs b itself, row after row
                diff ^= a[i]
                out[i] = np.bitwise_count(diff).sum(axis=-1)
            return out""",
        "uint8_sum_wraps": "return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=-1, dtype=np.uint8).astype(np.int64)",
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
        "divide_by_min_k": """
            hits = [len(set(row[:k].tolist()) & rel) / min(len(rel), k) for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
        "micro_average": """
            hits = sum(len(set(row[:k].tolist()) & rel) for row, rel in zip(ranked, relevant))
            return float(hits / sum(len(rel) for rel in relevant))""",
        "whole_row": """
            hits = [len(set(row.tolist()) & rel) / len(rel) for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
        "sorts_in_place": """
            ranked.sort(axis=1)
            hits = [len(set(row[:k].tolist()) & rel) / len(rel) for row, rel in zip(ranked, relevant)]
            return float(np.mean(hits))""",
        "pops_relevant": """
            hits = []
            for row, rel in zip(ranked, relevant):
                n = len(rel)
                found = [rel.discard(p) or 1 for p in row[:k].tolist() if p in rel]
                hits.append(len(found) / n)
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
        "ideal_over_all_relevant": """
            discounts = 1.0 / np.log2(np.arange(2, 2 + max(k, max(len(r) for r in relevant))))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel)
                                  / discounts[:len(rel)].sum() for row, rel in zip(ranked, relevant)]))""",
        "micro_average": """
            discounts = 1.0 / np.log2(np.arange(2, k + 2))
            dcg = sum(sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel) for row, rel in zip(ranked, relevant))
            ideal = sum(discounts[:min(len(rel), k)].sum() for rel in relevant)
            return float(dcg / ideal)""",
        "whole_row": """
            discounts = 1.0 / np.log2(np.arange(2, ranked.shape[1] + 2))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row.tolist()) if p in rel)
                                  / discounts[:min(len(rel), k)].sum() for row, rel in zip(ranked, relevant)]))""",
        "sorts_in_place": """
            ranked.sort(axis=1)
            discounts = 1.0 / np.log2(np.arange(2, k + 2))
            return float(np.mean([sum(discounts[i] for i, p in enumerate(row[:k].tolist()) if p in rel)
                                  / discounts[:min(len(rel), k)].sum() for row, rel in zip(ranked, relevant)]))""",
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
        "no_clip_wraps": """
            lo, hi = calibration.min(axis=0), calibration.max(axis=0)
            return (np.floor((embeddings - lo) / ((hi - lo) / 255)) - 128).astype(np.int8)""",
        "in_place_shift": """
            lo, hi = calibration.min(axis=0), calibration.max(axis=0)
            embeddings -= lo
            return (np.clip(np.floor(embeddings / ((hi - lo) / 255)), 0, 255) - 128).astype(np.int8)""",
        "degenerate_unhandled": """
            lo, hi = calibration.min(axis=0), calibration.max(axis=0)
            with np.errstate(all="ignore"):
                b = np.clip(np.floor((embeddings - lo) / ((hi - lo) / 255)), 0, 255)
            return (np.nan_to_num(b, nan=255.0) - 128).astype(np.int8)""",
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
        "first_query_for_all": """
            scores = corpus_emb[candidates] @ query_emb[0]
            order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
            return np.take_along_axis(candidates, order, axis=1)""",
        "cosine_not_dot": """
            c = corpus_emb / np.linalg.norm(corpus_emb, axis=1, keepdims=True)
            scores = np.einsum("qd,qcd->qc", query_emb, c[candidates])
            order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
            return np.take_along_axis(candidates, order, axis=1)""",
        "sorts_candidates_in_place": """
            candidates.sort(axis=1)
            scores = np.einsum("qd,qcd->qc", query_emb, corpus_emb[candidates])
            order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
            return np.take_along_axis(candidates, order, axis=1)""",
        "ties_by_corpus_index": """
            scores = np.einsum("qd,qcd->qc", query_emb, corpus_emb[candidates])
            out = []
            for row, s in zip(candidates, scores):
                out.append(sorted(row.tolist(), key=lambda c: (-s[list(row).index(c)], c))[:k])
            return np.array(out)""",
    },
}
RIGHT = {
    "q05_binarize": {
        "weighted_bits": """
            n, d = embeddings.shape
            bits = (embeddings > 0).reshape(n, d // 8, 8).astype(np.uint16)
            return (bits * (1 << np.arange(7, -1, -1))).sum(axis=-1).astype(np.uint8)""",
        "loop": """
            n, d = embeddings.shape
            out = np.zeros((n, d // 8), dtype=np.uint8)
            for i in range(n):
                for j in range(d):
                    if embeddings[i, j] > 0:
                        out[i, j // 8] |= np.uint8(1 << (7 - j % 8))
            return out""",
    },
    "q05_hamming": {
        "unpackbits": """
            ua, ub = np.unpackbits(a, axis=1), np.unpackbits(b, axis=1)
            return (ua[:, None, :] != ub[None, :, :]).sum(axis=-1).astype(np.int64)""",
        "loop_bit_count": """
            out = np.zeros((len(a), len(b)), dtype=np.int64)
            for i in range(len(a)):
                for j in range(len(b)):
                    out[i, j] = sum(int(x ^ y).bit_count() for x, y in zip(a[i].tolist(), b[j].tolist()))
            return out""",
    },
    "q05_recall_at_k": {
        "isin": """
            per_query = [np.isin(row[:k], list(rel)).sum() / len(rel) for row, rel in zip(ranked, relevant)]
            return float(sum(per_query) / len(per_query))""",
        "loop": """
            total = 0.0
            for i in range(len(relevant)):
                found = 0
                for p in list(ranked[i][:k]):
                    if int(p) in relevant[i]:
                        found += 1
                total += found / len(relevant[i])
            return total / len(relevant)""",
    },
    "q05_ndcg_at_k": {
        "loop": """
            import math
            total = 0.0
            for row, rel in zip(ranked, relevant):
                dcg = sum(1 / math.log2(r + 2) for r, p in enumerate(list(row[:k])) if int(p) in rel)
                ideal = sum(1 / math.log2(r + 2) for r in range(min(k, len(rel))))
                total += dcg / ideal
            return total / len(relevant)""",
        "vectorised": """
            disc = 1 / np.log2(np.arange(k) + 2)
            gains = np.array([[p in rel for p in row[:k].tolist()] for row, rel in zip(ranked, relevant)], dtype=float)
            ideal = np.array([disc[:min(k, len(rel))].sum() for rel in relevant])
            return np.float64(((gains * disc).sum(axis=1) / ideal).mean())""",
    },
    "q05_int8_quantize": {
        "float64_where": """
            x, c = embeddings.astype(np.float64), calibration.astype(np.float64)
            lo, hi = c.min(axis=0), c.max(axis=0)
            ok = hi > lo
            with np.errstate(divide="ignore", invalid="ignore"):
                b = np.floor((x - lo) / np.where(ok, (hi - lo) / 255, 1.0))
            b = np.where(ok, np.clip(b, 0, 255), 0)
            return (b - 128).astype(np.int8)""",
        "per_dimension_loop": """
            out = np.empty(embeddings.shape, dtype=np.int8)
            for j in range(embeddings.shape[1]):
                lo, hi = calibration[:, j].min(), calibration[:, j].max()
                if hi == lo:
                    out[:, j] = -128
                    continue
                b = np.floor((embeddings[:, j] - lo) / ((hi - lo) / 255))
                out[:, j] = (np.minimum(np.maximum(b, 0), 255) - 128).astype(np.int8)
            return out""",
    },
    "q05_rescore": {
        "loop_sorted": """
            out = []
            for q, row in zip(query_emb, candidates):
                s = [float(q @ corpus_emb[c]) for c in row]
                order = sorted(range(len(row)), key=lambda i: (-s[i], i))[:k]
                out.append([int(row[i]) for i in order])
            return np.array(out, dtype=np.int64)""",
        "lexsort": """
            scores = (query_emb[:, None, :] * corpus_emb[candidates]).sum(-1)
            pos = np.broadcast_to(np.arange(candidates.shape[1]), scores.shape)
            order = np.array([np.lexsort((p, -s)) for p, s in zip(pos, scores)])[:, :k]
            return np.take_along_axis(candidates, order, axis=1)""",
    },
}

globals().update(answer_tests(NAME, WRONG, RIGHT))
